package dev.l2caf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.image.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

  /** A 7x7 grid, zero but for one cell. */
  private static float[] peakAt(int row, int column) {
    float[] grid = new float[49];
    grid[row * 7 + column] = 1;
    return grid;
  }

  @Test
  void pointingGameHitsWhenThePeakIsInsideTheBoxAndMissesOutside() {
    // 7x7 grid on a 707x707 image (101 px per cell): cell (row 2, column 3) is centered on pixel (353, 252).
    List<Box> truth = List.of(new Box(300, 200, 400, 300));
    assertEquals(new Metrics.Point(353, 252), Metrics.peak(peakAt(2, 3), 7, 7, 707, 707));
    assertTrue(Metrics.pointingHit(peakAt(2, 3), 7, 7, 707, 707, truth));
    assertFalse(Metrics.pointingHit(peakAt(5, 1), 7, 7, 707, 707, truth));
  }

  @Test
  void theBoxEdgesCountAsTheirPixelsDo() {
    Box box = new Box(10, 20, 30, 40); // x 10..29, y 20..39
    assertTrue(Metrics.pointingHit(new Metrics.Point(10, 20), List.of(box)));
    assertTrue(Metrics.pointingHit(new Metrics.Point(29, 39), List.of(box)));
    assertFalse(Metrics.pointingHit(new Metrics.Point(30, 39), List.of(box)), "x1 is exclusive");
    assertFalse(Metrics.pointingHit(new Metrics.Point(29, 40), List.of(box)), "y1 is exclusive");
  }

  @Test
  void aMapEqualToTheBoxIndicatorLocalizesItExactlyAtAnyThreshold() {
    // An 8x6 grid on an 8x6 image upsamples to itself, so the indicator of cells x 2..4, y 1..3 is the box.
    Box box = new Box(2, 1, 5, 4);
    float[] grid = new float[6 * 8];
    for (int y = box.y0(); y < box.y1(); y++) {
      for (int x = box.x0(); x < box.x1(); x++) {
        grid[y * 8 + x] = 1;
      }
    }
    for (double threshold : new double[] {0.01, 0.15, 0.2, 0.3, 0.5, 0.99}) {
      Metrics.Localization l = Metrics.localization(grid, 6, 8, 8, 6, threshold, List.of(box));
      assertEquals(box, l.box());
      assertEquals(1.0, l.iou(), 1e-12);
      assertTrue(l.hit());
    }
  }

  @Test
  void iouOfHandMadeBoxes() {
    // 10x10 boxes overlapping in a 5x5 square: 25 / (100 + 100 - 25).
    assertEquals(25.0 / 175, Metrics.iou(new Box(0, 0, 10, 10), new Box(5, 5, 15, 15)), 1e-12);
    // A 4x2 box inside a 4x4 one: 8 / 16.
    assertEquals(0.5, Metrics.iou(new Box(0, 0, 4, 4), new Box(0, 2, 4, 4)), 1e-12);
    // Touching edges share no pixel (x1 exclusive).
    assertEquals(0.0, Metrics.iou(new Box(0, 0, 10, 10), new Box(10, 0, 20, 10)), 1e-12);
    assertEquals(1.0, Metrics.iou(new Box(3, 4, 9, 7), new Box(3, 4, 9, 7)), 1e-12);
  }

  @Test
  void localizationTakesTheBestMatchingTruthBox() {
    float[] grid = {0, 0, 0, 1}; // 2x2 grid on a 2x2 image: the box is the bottom-right pixel
    Metrics.Localization l = Metrics.localization(grid, 2, 2, 2, 2, 0.2,
        List.of(new Box(0, 0, 1, 1), new Box(1, 1, 2, 2)));
    assertEquals(new Box(1, 1, 2, 2), l.box());
    assertEquals(1.0, l.iou(), 1e-12);
  }

  @Test
  void trapezoidAucOfKnownCurves() {
    double[] linear = new double[17];
    double[] constant = new double[17];
    double[] square = new double[17];
    for (int k = 0; k <= 16; k++) {
      linear[k] = 1 - k / 16.0;
      constant[k] = 0.37;
      square[k] = (k / 16.0) * (k / 16.0);
    }
    assertEquals(0.5, Metrics.trapezoidAuc(linear), 1e-12);
    assertEquals(0.37, Metrics.trapezoidAuc(constant), 1e-12);
    // The trapezoid rule overestimates x^2 by h^2 / 6 with h = 1/16: 1/3 + 1/1536.
    assertEquals(1.0 / 3 + 1.0 / 1536, Metrics.trapezoidAuc(square), 1e-12);
    assertEquals(0.75, Metrics.trapezoidAuc(new double[] {1, 0.5}), 1e-12);
  }

  @Test
  void probabilityIsTheSoftmaxOfTheClass() {
    float[] logits = {0, (float) Math.log(3)}; // e^0 : e^ln3 = 1 : 3
    assertEquals(0.75, Metrics.probability(logits, 1), 1e-6);
    assertEquals(0.25, Metrics.probability(logits, 0), 1e-6);
    assertEquals(0.5, Metrics.probability(new float[] {1000, 1000}, 0), 1e-12, "no overflow on large logits");
  }
}
