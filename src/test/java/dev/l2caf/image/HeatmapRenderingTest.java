package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HeatmapRenderingTest {

  @Test
  void upsamplesWithHalfPixelCentersAndClampedEdges() {
    // Grid [[0, 1], [2, 3]] to 4x4: output x samples source x = (x + 0.5) / 2 - 0.5, that is
    // -0.25, 0.25, 0.75, 1.25, clamped to 0, 0.25, 0.75, 1; rows likewise. The grid is linear,
    // v = sx + 2 * sy, so bilinear interpolation gives exactly that at every sample.
    float[] expected = {
      0.0f, 0.25f, 0.75f, 1.0f,
      0.5f, 0.75f, 1.25f, 1.5f,
      1.5f, 1.75f, 2.25f, 2.5f,
      2.0f, 2.25f, 2.75f, 3.0f,
    };
    assertArrayEquals(
        expected, HeatmapRendering.upsample(new float[] {0, 1, 2, 3}, 2, 2, 4, 4), 1e-6f);
  }

  @Test
  void upsamplesToNonSquareSizes() {
    // One row [0, 4] to 4 wide, 2 high: columns as above (0, 1, 3, 4), both rows the same.
    float[] out = HeatmapRendering.upsample(new float[] {0, 4}, 1, 2, 4, 2);
    assertArrayEquals(new float[] {0, 1, 3, 4, 0, 1, 3, 4}, out, 1e-6f);
  }

  @Test
  void normalizesToUnitRange() {
    assertArrayEquals(
        new float[] {0, 0.5f, 1}, HeatmapRendering.normalizeMinMax(new float[] {-2, 1, 4}), 1e-6f);
    assertArrayEquals(
        new float[] {0, 0, 0}, HeatmapRendering.normalizeMinMax(new float[] {7, 7, 7}));
  }

  @Test
  void bwrRunsBlueWhiteRed() {
    assertEquals(0x0000FF, Colormap.BWR.rgb(0));
    assertEquals(0xFFFFFF, Colormap.BWR.rgb(0.5));
    assertEquals(0xFF0000, Colormap.BWR.rgb(1));
    assertEquals(0x8080FF, Colormap.BWR.rgb(0.25)); // halfway blue -> white: 127.5 rounds to 128
    assertEquals(0xFF8080, Colormap.BWR.rgb(0.75));
    assertEquals(0x0000FF, Colormap.BWR.rgb(-3));
    assertEquals(0xFF0000, Colormap.BWR.rgb(7));
    assertEquals(0x0000FF, Colormap.BWR.rgb(Double.NaN));
  }

  @Test
  void grayRunsBlackWhite() {
    assertEquals(0x000000, Colormap.GRAY.rgb(0));
    assertEquals(0x808080, Colormap.GRAY.rgb(0.5));
    assertEquals(0xFFFFFF, Colormap.GRAY.rgb(1));
  }

  @Test
  void overlayBlendsColormapOverImage() {
    RgbImage image = new RgbImage(2, 1, new byte[] {100, 50, (byte) 200, 0, 0, 0});
    BufferedImage overlay = HeatmapRendering.overlay(image, new float[] {1, 0}, Colormap.BWR, 0.6);
    // Pixel 0: heat 1 = red (255, 0, 0) over (100, 50, 200): 0.6 * 255 + 0.4 * 100 = 193,
    // 0.4 * 50 = 20, 0.4 * 200 = 80.
    assertEquals(0xC11450, overlay.getRGB(0, 0) & 0xFFFFFF);
    // Pixel 1: heat 0 = blue over black: 0.6 * 255 = 153 in blue only.
    assertEquals(0x000099, overlay.getRGB(1, 0) & 0xFFFFFF);
  }

  @Test
  void shrinksByBilinearSamplingAtPixelCentersAndNeverEnlarges() {
    // 4x2 to longest side 2: 2x1. Output x samples source x = (x + 0.5) * 2 - 0.5 = 0.5 and 2.5, y likewise
    // 0.5: each output pixel is the mean of a 2x2 block, per channel.
    byte[] rgb = new byte[4 * 2 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * 10);
    }
    RgbImage small = HeatmapRendering.shrink(new RgbImage(4, 2, rgb), 2);
    assertEquals(2, small.width());
    assertEquals(1, small.height());
    // Pixel (0, 0) channel c: bytes c, 3 + c, 12 + c, 15 + c, each times 10: mean 75 + 10c.
    // Pixel (1, 0) channel c: bytes 6 + c, 9 + c, 18 + c, 21 + c: 135 + 10c.
    assertArrayEquals(new byte[] {75, 85, 95, (byte) 135, (byte) 145, (byte) 155}, small.rgb());
    RgbImage image = new RgbImage(4, 2, rgb);
    assertArrayEquals(rgb, HeatmapRendering.shrink(image, 128).rgb());
  }

  @Test
  void grayscaleMapsUnitValuesToLevels() {
    BufferedImage gray = HeatmapRendering.grayscale(new float[] {0, 0.5f, 1, 2}, 2, 2);
    assertEquals(0, gray.getRaster().getSample(0, 0, 0));
    assertEquals(128, gray.getRaster().getSample(1, 0, 0));
    assertEquals(255, gray.getRaster().getSample(0, 1, 0));
    assertEquals(255, gray.getRaster().getSample(1, 1, 0));
  }

  @Test
  void pngDecodesBackToTheSameImage() throws IOException {
    RgbImage image =
        new RgbImage(
            3, 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18});
    BufferedImage overlay = HeatmapRendering.overlay(image, new float[6], Colormap.GRAY, 0);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(HeatmapRendering.png(overlay)));
    assertEquals(3, decoded.getWidth());
    assertEquals(2, decoded.getHeight());
    assertArrayEquals(image.rgb(), RgbImage.from(decoded).rgb());

    BufferedImage gray =
        ImageIO.read(
            new ByteArrayInputStream(
                HeatmapRendering.png(HeatmapRendering.grayscale(new float[] {0, 1}, 1, 2))));
    assertEquals(1, gray.getWidth());
    assertEquals(2, gray.getHeight());
    assertEquals(255, gray.getRaster().getSample(0, 1, 0));
  }
}
