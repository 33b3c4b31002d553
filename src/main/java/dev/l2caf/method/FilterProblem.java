package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.HeadReplay;

/**
 * One batch of filters to optimize: row i filters {@code features} image i toward {@code objectives[i]}
 * (see {@link Loss#objective}). Rows are independent; each gets its own filter, finalized by {@code heat}.
 */
public record FilterProblem(
    HeadReplay head, FeatureMap features, float[][] objectives, Loss loss, FilterType filter, long seed, Heat heat) {
  public FilterProblem {
    if (objectives.length != features.batch()) {
      throw new IllegalArgumentException(objectives.length + " objectives for " + features.batch() + " feature maps");
    }
  }

  public int rows() {
    return features.batch();
  }

  /** The target class of each row (the one weighted -1), or -1 for class-oblivious rows. */
  public int[] targets() {
    int[] targets = new int[rows()];
    for (int r = 0; r < targets.length; r++) {
      targets[r] = -1;
      if (loss != Loss.KEEP_OUTPUT) {
        for (int k = 0; k < objectives[r].length; k++) {
          if (objectives[r][k] < 0) {
            targets[r] = k;
          }
        }
      }
    }
    return targets;
  }
}
