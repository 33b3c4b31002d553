package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

  @Test
  void rgbDecodesBackToTheSameBytesAtEveryLevelAndStrategy() throws IOException {
    Random random = new Random(7);
    for (int[] size : new int[][] {{1, 1}, {3, 2}, {17, 5}, {130, 67}}) {
      byte[] rgb = new byte[size[0] * size[1] * 3];
      random.nextBytes(rgb);
      for (int level : new int[] {0, PngEncoder.DEFAULT_LEVEL, 9}) {
        for (int strategy : new int[] {Deflater.DEFAULT_STRATEGY, Deflater.HUFFMAN_ONLY}) {
          BufferedImage decoded = read(PngEncoder.encode(size[0], size[1], 3, rgb, level, strategy));
          assertEquals(size[0], decoded.getWidth());
          assertEquals(size[1], decoded.getHeight());
          assertArrayEquals(rgb, RgbImage.from(decoded).rgb());
        }
      }
      assertArrayEquals(rgb, RgbImage.from(read(PngEncoder.encodeLiterals(size[0], size[1], 3, rgb))).rgb());
    }
  }

  @Test
  void grayStaysOneChannel() throws IOException {
    byte[] levels = {0, 1, (byte) 127, (byte) 128, (byte) 254, (byte) 255};
    BufferedImage decoded = read(PngEncoder.gray(3, 2, levels));
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, decoded.getType());
    assertArrayEquals(levels, (byte[]) decoded.getRaster().getDataElements(0, 0, 3, 2, null));
  }

  @Test
  void realPhotoSurvivesExactly() throws IOException {
    RgbImage photo = RgbImage.from(read(TestImages.sample("dog.jpg")));
    assertArrayEquals(photo.rgb(), RgbImage.from(read(PngEncoder.rgb(photo))).rgb());
  }

  @Test
  void refusesPixelsOfAnotherSize() {
    assertThrows(IllegalArgumentException.class, () -> PngEncoder.gray(2, 2, new byte[3]));
  }

  private static BufferedImage read(byte[] bytes) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }
}
