package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.HeadReplay;

/**
 * One batch of filters to optimize: row i filters {@code features} image i toward {@code objectives[i]}
 * (see {@link Variant#objective}). Rows are independent; each gets its own filter.
 */
public record FilterProblem(
    HeadReplay head, FeatureMap features, float[][] objectives, Variant variant, FilterType filter, long seed) {
  public FilterProblem {
    if (objectives.length != features.batch()) {
      throw new IllegalArgumentException(objectives.length + " objectives for " + features.batch() + " feature maps");
    }
  }

  public int rows() {
    return features.batch();
  }
}
