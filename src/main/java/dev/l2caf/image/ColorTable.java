package dev.l2caf.image;

/**
 * {@link Colormap#rgb} of float values by table lookup, with exactly the formula's colors: [0, 1] is cut into
 * {@link #BINS} bins and each bin holds the color at its start, the first value in it where the color changes
 * and the color from there on. A colormap here moves by at most an eighth of a level across a bin, so its color
 * changes at most once in one; the change is found by bisection over the bin's floats when the table is built.
 * An overlay of a 768x576 photo looks up 442,368 colors; the formula's double arithmetic and rounding per pixel
 * was the pictures' top Java frame in a profile, though the whole overlay got only a little faster alone (most
 * of its time is the blend's loads and stores).
 */
final class ColorTable {
  static final int BINS = 4096;

  /** Per bin (and one more for exactly 1): the first value with the second color, +Inf where none. */
  private final float[] change;
  private final int[] before;
  private final int[] after;

  private ColorTable(float[] change, int[] before, int[] after) {
    this.change = change;
    this.before = before;
    this.after = after;
  }

  static ColorTable of(Colormap map) {
    float[] change = new float[BINS + 1];
    int[] before = new int[BINS + 1];
    int[] after = new int[BINS + 1];
    for (int bin = 0; bin <= BINS; bin++) {
      float start = (float) bin / BINS;
      float last = bin == BINS ? 1f : Math.nextDown((float) (bin + 1) / BINS);
      before[bin] = map.rgb(start);
      after[bin] = map.rgb(last);
      change[bin] = Float.POSITIVE_INFINITY;
      if (before[bin] != after[bin]) {
        change[bin] = firstChange(map, start, last, before[bin]);
        if (map.rgb(change[bin]) != after[bin]) {
          throw new IllegalStateException(map + " changes color more than once between " + start + " and " + last);
        }
      }
    }
    return new ColorTable(change, before, after);
  }

  /** The smallest float in (start, last] whose color is not {@code first}; floats >= 0 order as their bits. */
  private static float firstChange(Colormap map, float start, float last, int first) {
    int low = Float.floatToRawIntBits(start); // color == first
    int high = Float.floatToRawIntBits(last); // color != first
    while (high - low > 1) {
      int middle = (low + high) >>> 1;
      if (map.rgb(Float.intBitsToFloat(middle)) == first) {
        low = middle;
      } else {
        high = middle;
      }
    }
    return Float.intBitsToFloat(high);
  }

  /** The same as {@code map.rgb(v01)}: clamped to [0, 1], NaN as 0. */
  int rgb(float v01) {
    float v = v01 > 0 ? Math.min(v01, 1f) : 0f;
    int bin = (int) (v * BINS); // exact: BINS is a power of two
    return v < change[bin] ? before[bin] : after[bin];
  }
}
