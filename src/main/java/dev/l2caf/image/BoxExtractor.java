package dev.l2caf.image;

import java.util.Arrays;

/** Turns a heatmap into a bounding box, as weakly supervised localization evaluates it. */
public final class BoxExtractor {

  /** Keep pixels at or above this fraction of the heatmap's maximum. */
  public static final double DEFAULT_THRESHOLD_FRACTION = 0.2;

  private BoxExtractor() {}

  /**
   * The bounding box of the largest 8-connected region of pixels with value {@code >=
   * thresholdFraction * max}. Ties go to the region found first in row-major order. A map with no
   * positive value has no region to prefer, so the whole image is returned.
   *
   * @param values row-major, h rows of w values
   */
  public static Box fromHeatmap(float[] values, int w, int h, double thresholdFraction) {
    requireFraction(thresholdFraction);
    if (values.length != (long) w * h) {
      throw new IllegalArgumentException(
          "expected " + (long) w * h + " values for " + w + "x" + h + ", got " + values.length);
    }
    float max = max(values);
    return max > 0 ? fromHeatmapAbove(values, w, h, thresholdFraction * max) : new Box(0, 0, w, h);
  }

  /** The bounding box of the largest 8-connected region of values {@code >= threshold}; the whole image if none. */
  public static Box fromHeatmapAbove(float[] values, int w, int h, double threshold) {
    Runs runs = new Runs();
    for (int y = 0; y < h; y++) {
      runs.addRow(values, y * w, w, y, threshold);
    }
    return runs.count == 0 ? new Box(0, 0, w, h) : runs.largest();
  }

  /**
   * The box of a grid heatmap upsampled (bilinear, as {@link HeatmapRendering#upsample}) to w x h, kept
   * where it is at least {@code thresholdFraction} of the grid's maximum, the heatmap's own maximum. Rows
   * are streamed, never holding the image-sized map: one pass over the pixels.
   */
  public static Box fromGrid(float[] grid, int gridH, int gridW, int w, int h, double thresholdFraction) {
    requireFraction(thresholdFraction);
    float max = max(grid);
    if (!(max > 0)) {
      return new Box(0, 0, w, h);
    }
    double threshold = thresholdFraction * max;
    Runs runs = new Runs();
    HeatmapRendering.upsampleRows(grid, gridH, gridW, w, h, (y, row) -> runs.addRow(row, 0, w, y, threshold));
    return runs.count == 0 ? new Box(0, 0, w, h) : runs.largest();
  }

  /**
   * Labels 8-connected regions run by run (a run is a horizontal stretch of kept pixels) with a
   * union-find over runs: a smooth heatmap has a few runs per row, so this costs little more than one
   * pass over the pixels. Roots are each region's first run in row-major order.
   */
  private static final class Runs {
    int[] start = new int[64];
    int[] end = new int[64];
    int[] row = new int[64];
    int[] parent = new int[64];
    int count;
    private int previousFirst;
    private int previousEnd;

    /** Adds the runs of row {@code y} (w values from {@code offset}) and joins those touching the previous row's. */
    void addRow(float[] values, int offset, int w, int y, double threshold) {
      int rowFirst = count;
      for (int x = 0; x < w; x++) {
        if (values[offset + x] >= threshold) {
          int first = x;
          while (x + 1 < w && values[offset + x + 1] >= threshold) {
            x++;
          }
          int r = add(first, x, y);
          for (int p = previousFirst; p < previousEnd; p++) {
            if (end[p] >= first - 1 && start[p] <= x + 1) {
              union(p, r);
            }
          }
        }
      }
      previousFirst = rowFirst;
      previousEnd = count;
    }

    int add(int x0, int x1, int y) {
      if (count == start.length) {
        start = Arrays.copyOf(start, count * 2);
        end = Arrays.copyOf(end, count * 2);
        row = Arrays.copyOf(row, count * 2);
        parent = Arrays.copyOf(parent, count * 2);
      }
      start[count] = x0;
      end[count] = x1;
      row[count] = y;
      parent[count] = count;
      return count++;
    }

    int find(int r) {
      while (parent[r] != r) {
        parent[r] = parent[parent[r]];
        r = parent[r];
      }
      return r;
    }

    void union(int a, int b) {
      int ra = find(a);
      int rb = find(b);
      if (ra != rb) {
        parent[Math.max(ra, rb)] = Math.min(ra, rb); // the earlier run stays root: ties go to the first region
      }
    }

    /** The bounding box of the region with the most pixels; the first region in row-major order wins ties. */
    Box largest() {
      long[] pixels = new long[count];
      int[] x0 = new int[count];
      int[] y0 = new int[count];
      int[] x1 = new int[count];
      int[] y1 = new int[count];
      Arrays.fill(x0, Integer.MAX_VALUE);
      Arrays.fill(x1, -1);
      for (int r = 0; r < count; r++) {
        int root = find(r);
        if (pixels[root] == 0) {
          y0[root] = row[r];
        }
        pixels[root] += end[r] - start[r] + 1;
        x0[root] = Math.min(x0[root], start[r]);
        x1[root] = Math.max(x1[root], end[r]);
        y1[root] = row[r];
      }
      int best = 0;
      for (int r = 1; r < count; r++) {
        if (pixels[r] > pixels[best]) {
          best = r;
        }
      }
      return new Box(x0[best], y0[best], x1[best] + 1, y1[best] + 1);
    }
  }

  private static void requireFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("threshold fraction must be in (0, 1], got " + fraction);
    }
  }

  private static float max(float[] values) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      max = Math.max(max, v);
    }
    return max;
  }
}
