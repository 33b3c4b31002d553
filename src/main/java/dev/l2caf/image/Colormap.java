package dev.l2caf.image;

/** Maps a value in [0, 1] to a color; values outside are clamped, NaN counts as 0. */
public enum Colormap {
  /**
   * matplotlib's 'bwr': blue (0,0,1) at 0, white at 0.5, red (1,0,0) at 1, linear in between.
   * Computed exactly rather than through matplotlib's 256-entry table, so results can differ from
   * matplotlib by one level.
   */
  BWR {
    @Override
    public int rgb(double v01) {
      double v = clamp(v01);
      if (v <= 0.5) {
        int rising = level(v / 0.5);
        return pack(rising, rising, 255);
      }
      int falling = level(1 - (v - 0.5) / 0.5);
      return pack(255, falling, falling);
    }
  },
  /** Black at 0, white at 1. */
  GRAY {
    @Override
    public int rgb(double v01) {
      int g = level(clamp(v01));
      return pack(g, g, g);
    }
  };

  private volatile ColorTable table;

  /** The color as 0xRRGGBB. */
  public abstract int rgb(double v01);

  /** {@link #rgb} for per-pixel loops: the same colors by table lookup. */
  ColorTable table() {
    ColorTable built = table;
    if (built == null) {
      built = ColorTable.of(this); // a race builds the same table twice, harmlessly
      table = built;
    }
    return built;
  }

  private static double clamp(double v) {
    return v > 0 ? Math.min(v, 1) : 0; // also maps NaN to 0
  }

  private static int level(double fraction) {
    return (int) Math.round(fraction * 255);
  }

  private static int pack(int r, int g, int b) {
    return r << 16 | g << 8 | b;
  }
}
