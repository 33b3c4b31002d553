package dev.l2caf.eval;

import dev.l2caf.image.Box;
import dev.l2caf.image.BoxExtractor;
import dev.l2caf.image.HeatmapRendering;
import java.util.List;

/** The localization and faithfulness measures of heatmaps, as pure functions of maps, boxes and curves. */
public final class Metrics {
  /** A heatmap's box localizes the object when it overlaps a ground-truth box at least this much (CAM protocol). */
  public static final double IOU_FOR_HIT = 0.5;

  private Metrics() {}

  /** A pixel position in the image. */
  public record Point(int x, int y) {}

  /** A heatmap's box at one threshold (a fraction of the map's max) and its best IoU with the ground truth. */
  public record Localization(double threshold, Box box, double iou) {
    public boolean hit() {
      return iou >= IOU_FOR_HIT;
    }
  }

  /**
   * Where the heatmap, upsampled to the image as the overlays are, is largest. Ties (the flat border that a peak
   * in an edge cell becomes) go to the first such pixel in row-major order.
   */
  public static Point peak(float[] grid, int gridH, int gridW, int width, int height) {
    float[] map = HeatmapRendering.upsample(grid, gridH, gridW, width, height);
    int best = 0;
    for (int i = 1; i < map.length; i++) {
      if (map[i] > map[best]) {
        best = i;
      }
    }
    return new Point(best % width, best / width);
  }

  /** The pointing game: a hit when the point lies inside one of the boxes. */
  public static boolean pointingHit(Point point, List<Box> boxes) {
    return boxes.stream().anyMatch(b -> point.x() >= b.x0() && point.x() < b.x1() && point.y() >= b.y0()
        && point.y() < b.y1());
  }

  /** The pointing game for a heatmap grid on an image of {@code width x height}. */
  public static boolean pointingHit(float[] grid, int gridH, int gridW, int width, int height, List<Box> boxes) {
    return pointingHit(peak(grid, gridH, gridW, width, height), boxes);
  }

  /** Intersection over union of two pixel boxes (x1, y1 exclusive). */
  public static double iou(Box a, Box b) {
    long w = Math.max(0, Math.min(a.x1(), b.x1()) - Math.max(a.x0(), b.x0()));
    long h = Math.max(0, Math.min(a.y1(), b.y1()) - Math.max(a.y0(), b.y0()));
    long intersection = w * h;
    long union = (long) a.width() * a.height() + (long) b.width() * b.height() - intersection;
    return (double) intersection / union;
  }

  /** The heatmap's box at {@code threshold} of its max (as {@link BoxExtractor#fromGrid}) against the best-matching truth box. */
  public static Localization localization(float[] grid, int gridH, int gridW, int width, int height,
      double threshold, List<Box> truth) {
    Box box = BoxExtractor.fromGrid(grid, gridH, gridW, width, height, threshold);
    double best = truth.stream().mapToDouble(t -> iou(box, t)).max().orElse(0);
    return new Localization(threshold, box, best);
  }

  /** Area under a curve sampled at evenly spaced x from 0 to 1 (first and last sample included), trapezoid rule. */
  public static double trapezoidAuc(double[] curve) {
    if (curve.length < 2) {
      throw new IllegalArgumentException("a curve needs at least 2 points, got " + curve.length);
    }
    double sum = (curve[0] + curve[curve.length - 1]) / 2;
    for (int i = 1; i < curve.length - 1; i++) {
      sum += curve[i];
    }
    return sum / (curve.length - 1);
  }

  /** The softmax probability of one class, computed stably (shifted by the max logit). */
  public static double probability(float[] logits, int classId) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return Math.exp(logits[classId] - max) / sum;
  }

  /**
   * How alike two maps of one image look: the cosine of the two grids, each min-max scaled to [0, 1] first
   * as the pictures are (so a signed map is compared as it is shown). 1 for maps of the same shape, 0 for
   * maps without a common cell; a constant map counts as all zero.
   */
  public static double mapCosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " cells");
    }
    float[] x = HeatmapRendering.normalizeMinMax(a);
    float[] y = HeatmapRendering.normalizeMinMax(b);
    double dot = 0;
    double xx = 0;
    double yy = 0;
    for (int i = 0; i < x.length; i++) {
      dot += (double) x[i] * y[i];
      xx += (double) x[i] * x[i];
      yy += (double) y[i] * y[i];
    }
    return xx == 0 || yy == 0 ? 0 : dot / Math.sqrt(xx * yy);
  }
}
