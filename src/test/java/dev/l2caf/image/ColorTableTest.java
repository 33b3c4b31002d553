package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ColorTableTest {

  /**
   * Every float from the end of the first bin up to 1 (about 100 million, all the values where a color can
   * change), every 997th float below, and the values outside [0, 1]: the table gives the formula's color.
   */
  @ParameterizedTest
  @EnumSource(Colormap.class)
  void givesTheFormulasColorForEveryFloat(Colormap map) {
    ColorTable table = map.table();
    int firstBinEnd = Float.floatToRawIntBits(1f / ColorTable.BINS);
    int one = Float.floatToRawIntBits(1f);
    for (int bits = 0; bits < firstBinEnd; bits += 997) {
      assertSame(map, table, Float.intBitsToFloat(bits));
    }
    for (int bits = firstBinEnd; bits <= one; bits++) {
      float v = Float.intBitsToFloat(bits);
      if (table.rgb(v) != map.rgb(v)) {
        assertSame(map, table, v);
      }
    }
    for (float v : new float[] {-0f, -1e-30f, -1, Float.NEGATIVE_INFINITY, Math.nextUp(1f), 7, Float.POSITIVE_INFINITY,
        Float.NaN, Float.MIN_VALUE}) {
      assertSame(map, table, v);
    }
  }

  private static void assertSame(Colormap map, ColorTable table, float v) {
    assertEquals(Integer.toHexString(map.rgb(v)), Integer.toHexString(table.rgb(v)), map + " at " + v);
  }
}
