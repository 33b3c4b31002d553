package dev.l2caf.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals of a mean: how far a mean over a few dozen pairs could move with another
 * draw of the same kind of images, so that small differences between methods are not read as wins.
 */
public final class Bootstrap {
  public static final int RESAMPLES = 2000;
  public static final double LEVEL = 0.95;

  private Bootstrap() {}

  /** A mean over {@code n} units and its interval; all NaN when there are no units. */
  public record Interval(double mean, double low, double high, int n) {
    static final Interval EMPTY = new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
  }

  /** The mean of {@code values} and its 95% percentile interval over {@link #RESAMPLES} resamples. */
  public static Interval ofMean(double[] values, long seed) {
    int n = values.length;
    if (n == 0) {
      return Interval.EMPTY;
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[RESAMPLES];
    for (int r = 0; r < RESAMPLES; r++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += values[random.nextInt(n)];
      }
      means[r] = sum / n;
    }
    Arrays.sort(means);
    double tail = (1 - LEVEL) / 2;
    return new Interval(Arrays.stream(values).average().orElseThrow(), means[(int) Math.floor(tail * (RESAMPLES - 1))],
        means[(int) Math.ceil((1 - tail) * (RESAMPLES - 1))], n);
  }
}
