package dev.l2caf.image;

/**
 * An axis-aligned pixel rectangle [x0, x1) x [y0, y1): x0, y0 inclusive, x1, y1 exclusive, so x1 -
 * x0 is the width.
 */
public record Box(int x0, int y0, int x1, int y1) {

  public Box {
    if (x0 < 0 || y0 < 0 || x1 <= x0 || y1 <= y0) {
      throw new IllegalArgumentException(
          "not a non-empty box: [" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + ")");
    }
  }

  public int width() {
    return x1 - x0;
  }

  public int height() {
    return y1 - y0;
  }
}
