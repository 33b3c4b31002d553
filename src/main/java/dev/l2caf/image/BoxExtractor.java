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
    double threshold = thresholdFraction * max;
    boolean[] unvisited = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      unvisited[i] = values[i] >= threshold;
    }
    Region best = null;
    IntStack stack = new IntStack();
    for (int start = 0; start < unvisited.length; start++) {
      if (unvisited[start]) {
        Region region = fill(unvisited, w, h, start, stack);
        if (best == null || region.pixels > best.pixels) {
          best = region;
        }
      }
    }
    return new Box(best.x0, best.y0, best.x1 + 1, best.y1 + 1);
  }

  /** Inclusive bounds and size of one connected region. */
  private static final class Region {
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = -1;
    int y1 = -1;
    long pixels;

    void add(int x, int y) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
      pixels++;
    }
  }

  /**
   * Flood fill with an explicit stack: a recursive one would overflow on a region of millions of
   * pixels.
   */
  private static Region fill(boolean[] unvisited, int w, int h, int start, IntStack stack) {
    Region region = new Region();
    unvisited[start] = false;
    stack.push(start);
    while (!stack.isEmpty()) {
      int i = stack.pop();
      int x = i % w;
      int y = i / w;
      region.add(x, y);
      for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
        for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
          int n = ny * w + nx;
          if (unvisited[n]) {
            unvisited[n] = false;
            stack.push(n);
          }
        }
      }
    }
    return region;
  }

  private static float max(float[] values) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      if (v > max) { // skips NaN, which Math.max would spread
        max = v;
      }
    }
    return max;
  }

  private static final class IntStack {
    private int[] items = new int[1024];
    private int size;

    void push(int value) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = value;
    }

    int pop() {
      return items[--size];
    }

    boolean isEmpty() {
      return size == 0;
    }
  }
}
