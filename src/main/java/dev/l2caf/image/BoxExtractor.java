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
    if (values.length != (long) w * h) {
      throw new IllegalArgumentException(
          "expected " + (long) w * h + " values for " + w + "x" + h + ", got " + values.length);
    }
    float max = max(values);
    if (!(max > 0)) {
      return new Box(0, 0, w, h);
    }
    return largestRegion(values, w, h, thresholdFraction * max);
  }

  /**
   * Labels 8-connected regions run by run (a run is a horizontal stretch of kept pixels) with a
   * union-find over runs: a smooth heatmap has a few runs per row, so this costs little more than one
   * pass over the pixels.
   */
  private static Box largestRegion(float[] values, int w, int h, double threshold) {
    Runs runs = new Runs();
    int previousFirst = 0;
    int previousEnd = 0;
    for (int y = 0; y < h; y++) {
      int rowFirst = runs.count;
      int row = y * w;
      for (int x = 0; x < w; x++) {
        if (values[row + x] >= threshold) {
          int start = x;
          while (x + 1 < w && values[row + x + 1] >= threshold) {
            x++;
          }
          int r = runs.add(start, x, y);
          // Runs of the previous row that touch this one, diagonals included, join its region.
          for (int p = previousFirst; p < previousEnd; p++) {
            if (runs.end[p] >= start - 1 && runs.start[p] <= x + 1) {
              runs.union(p, r);
            }
          }
        }
      }
      previousFirst = rowFirst;
      previousEnd = runs.count;
    }
    return runs.largest();
  }

  /** Runs of kept pixels in row-major order, with a union-find whose roots are each region's first run. */
  private static final class Runs {
    int[] start = new int[64];
    int[] end = new int[64];
    int[] row = new int[64];
    int[] parent = new int[64];
    int count;

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

  private static float max(float[] values) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      max = Math.max(max, v);
    }
    return max;
  }
}
