package dev.l2caf.image;

/**
 * The eight EXIF orientations as one rule: transpose (swap rows and columns), then optionally
 * reverse the rows (axis 0) and/or the columns (axis 1). The Java decoder and the TensorFlow graph
 * both use this table, so the two paths cannot disagree about what an orientation means.
 */
final class Orientation {

  private record Steps(boolean transpose, boolean reverseRows, boolean reverseColumns) {}

  // Index = EXIF value. 6 ("row 0 is the visual right side") = transpose, then mirror = clockwise.
  private static final Steps[] STEPS = {
    null,
    new Steps(false, false, false), // 1 as stored
    new Steps(false, false, true), // 2 mirrored left-right
    new Steps(false, true, true), // 3 rotated 180°
    new Steps(false, true, false), // 4 mirrored top-bottom
    new Steps(true, false, false), // 5 transposed
    new Steps(true, false, true), // 6 needs 90° clockwise
    new Steps(true, true, true), // 7 transversed
    new Steps(true, true, false), // 8 needs 90° counter-clockwise
  };

  private Orientation() {}

  static boolean swapsAxes(int orientation) {
    return steps(orientation).transpose();
  }

  /** Permutation for a Transpose of an HWC tensor. */
  static int[] permutation(int orientation) {
    return steps(orientation).transpose() ? new int[] {1, 0, 2} : new int[] {0, 1, 2};
  }

  /** Axes for a ReverseV2 after the transpose; may be empty. */
  static int[] reversedAxes(int orientation) {
    Steps s = steps(orientation);
    if (s.reverseRows() && s.reverseColumns()) {
      return new int[] {0, 1};
    }
    if (s.reverseRows()) {
      return new int[] {0};
    }
    return s.reverseColumns() ? new int[] {1} : new int[0];
  }

  /** The image as it should be displayed. */
  static RgbImage apply(RgbImage stored, int orientation) {
    Steps s = steps(orientation);
    if (orientation == 1) {
      return stored;
    }
    int outW = s.transpose() ? stored.height() : stored.width();
    int outH = s.transpose() ? stored.width() : stored.height();
    byte[] src = stored.rgb();
    byte[] out = new byte[src.length];
    int o = 0;
    for (int y = 0; y < outH; y++) {
      int ty = s.reverseRows() ? outH - 1 - y : y;
      for (int x = 0; x < outW; x++) {
        int tx = s.reverseColumns() ? outW - 1 - x : x;
        int sy = s.transpose() ? tx : ty;
        int sx = s.transpose() ? ty : tx;
        int i = (sy * stored.width() + sx) * 3;
        out[o++] = src[i];
        out[o++] = src[i + 1];
        out[o++] = src[i + 2];
      }
    }
    return new RgbImage(outW, outH, out);
  }

  private static Steps steps(int orientation) {
    if (orientation < 1 || orientation > 8) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8: " + orientation);
    }
    return STEPS[orientation];
  }
}
