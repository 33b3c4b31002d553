package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BoxExtractorTest {

  private static final int W = 40;
  private static final int H = 30;

  private static void fill(float[] map, int x0, int y0, int x1, int y1, float value) {
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        map[y * W + x] = value;
      }
    }
  }

  @Test
  void boxesTheLargestRegionNotTheHottest() {
    float[] map = new float[W * H];
    fill(map, 2, 3, 6, 7, 1.0f); // 4x4 = 16 pixels at the maximum
    fill(map, 20, 10, 35, 25, 0.5f); // 15x15 = 225 pixels, cooler but larger
    assertEquals(new Box(20, 10, 35, 25), BoxExtractor.fromHeatmap(map, W, H, 0.2));
  }

  @Test
  void joinsDiagonalNeighbours() {
    float[] map = new float[W * H];
    for (int i = 0; i < 10; i++) {
      map[(5 + i) * W + 5 + i] = 1; // a diagonal line is one 8-connected region of 10 pixels
    }
    fill(map, 30, 0, 33, 3, 1); // 9 pixels
    Box box = BoxExtractor.fromHeatmap(map, W, H, 0.2);
    assertEquals(new Box(5, 5, 15, 15), box);
    assertEquals(10, box.width());
  }

  @Test
  void thresholdDecidesWhatBelongs() {
    float[] map = new float[W * H];
    fill(map, 10, 10, 12, 12, 1.0f);
    fill(map, 12, 10, 20, 12, 0.3f); // touches the hot spot; above 0.2 of max, below 0.5
    assertEquals(new Box(10, 10, 20, 12), BoxExtractor.fromHeatmap(map, W, H, 0.2));
    assertEquals(new Box(10, 10, 12, 12), BoxExtractor.fromHeatmap(map, W, H, 0.5));
    assertEquals(
        new Box(10, 10, 20, 12),
        BoxExtractor.fromHeatmap(map, W, H, 0.3)); // at the threshold counts
  }

  @Test
  void allZeroMapBoxesTheWholeImage() {
    assertEquals(new Box(0, 0, W, H), BoxExtractor.fromHeatmap(new float[W * H], W, H, 0.2));
  }

  @Test
  void handlesARegionOfMillionsOfPixelsWithoutRecursion() {
    int w = 3000;
    int h = 2000;
    float[] map = new float[w * h];
    java.util.Arrays.fill(map, 1);
    map[0] = 0;
    assertEquals(
        new Box(0, 0, w, h),
        BoxExtractor.fromHeatmap(map, w, h, BoxExtractor.DEFAULT_THRESHOLD_FRACTION));
  }

  @org.junit.jupiter.api.Test
  void streamingFromTheGridGivesTheBoxOfTheUpsampledMapAtAFractionOfTheGridMax() {
    java.util.Random random = new java.util.Random(5);
    for (int trial = 0; trial < 50; trial++) {
      int gh = 2 + random.nextInt(14);
      int gw = 2 + random.nextInt(14);
      int w = 20 + random.nextInt(400);
      int h = 20 + random.nextInt(400);
      float[] grid = new float[gh * gw];
      for (int i = 0; i < grid.length; i++) {
        grid[i] = random.nextFloat() < 0.3f ? 0f : random.nextFloat();
      }
      double fraction = 0.1 + 0.8 * random.nextDouble();
      float gridMax = 0;
      for (float v : grid) {
        gridMax = Math.max(gridMax, v);
      }
      org.junit.jupiter.api.Assertions.assertEquals(
          BoxExtractor.fromHeatmapAbove(HeatmapRendering.upsample(grid, gh, gw, w, h), w, h, fraction * gridMax),
          BoxExtractor.fromGrid(grid, gh, gw, w, h, fraction), "trial " + trial);
    }
  }
}
