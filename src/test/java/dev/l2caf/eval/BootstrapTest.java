package dev.l2caf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  @Test
  void aFairCoinOverHundredPairsHasTheNormalApproximationsInterval() {
    double[] hits = IntStream.range(0, 100).mapToDouble(i -> i % 2).toArray();
    Bootstrap.Interval i = Bootstrap.ofMean(hits, 7);
    assertEquals(0.5, i.mean(), 1e-12);
    assertEquals(100, i.n());
    // 1.96 * sqrt(0.25 / 100) = 0.098; a percentile bootstrap of 2000 resamples lands within a few hundredths.
    assertEquals(0.5 - 0.098, i.low(), 0.025);
    assertEquals(0.5 + 0.098, i.high(), 0.025);
  }

  @Test
  void equalValuesHaveNoSpreadAndNoValuesHaveNoMean() {
    Bootstrap.Interval same = Bootstrap.ofMean(new double[] {0.3, 0.3, 0.3}, 1);
    assertEquals(0.3, same.low(), 1e-12);
    assertEquals(0.3, same.high(), 1e-12);
    Bootstrap.Interval none = Bootstrap.ofMean(new double[0], 1);
    assertEquals(0, none.n());
    assertTrue(Double.isNaN(none.mean()));
  }

  @Test
  void theSameSeedGivesTheSameInterval() {
    double[] values = IntStream.range(0, 30).mapToDouble(i -> Math.sin(i) * i).toArray();
    assertEquals(Bootstrap.ofMean(values, 3), Bootstrap.ofMean(values, 3));
  }
}
