package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegEncoderTest {

  @Test
  void aRealPhotoDecodesBackCloseAtHighQualityAndCoarserAtLow() throws IOException {
    RgbImage photo = RgbImage.from(ImageIO.read(new ByteArrayInputStream(TestImages.sample("dog.jpg"))));
    byte[] high = JpegEncoder.encode(photo, 90);
    byte[] low = JpegEncoder.encode(photo, 20);
    RgbImage back = RgbImage.from(ImageIO.read(new ByteArrayInputStream(high)));
    assertEquals(photo.width(), back.width());
    assertEquals(photo.height(), back.height());
    double highError = meanAbsoluteDifference(photo, back);
    double lowError = meanAbsoluteDifference(photo, RgbImage.from(ImageIO.read(new ByteArrayInputStream(low))));
    assertTrue(highError < 3, "quality 90: mean error " + highError + " levels");
    assertTrue(lowError > highError && low.length < high.length, lowError + " vs " + highError);
  }

  @Test
  void colorsSurviveInTheirChannels() throws IOException {
    // A flat orange picture: a swap of R and B (or a BGR/RGB mix-up) would show at once.
    RgbImage orange = RgbImage.from(TestImages.solid(64, 48, 0xC86432));
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(JpegEncoder.encode(orange, 95)));
    int rgb = back.getRGB(32, 24);
    assertTrue(Math.abs(((rgb >> 16) & 0xff) - 0xC8) <= 3 && Math.abs(((rgb >> 8) & 0xff) - 0x64) <= 3
        && Math.abs((rgb & 0xff) - 0x32) <= 3, Integer.toHexString(rgb));
  }

  @Test
  void qualityOutsideLibjpegsScaleIsRefused() {
    RgbImage tiny = RgbImage.from(TestImages.solid(2, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> JpegEncoder.encode(tiny, 0));
    assertThrows(IllegalArgumentException.class, () -> JpegEncoder.encode(tiny, 101));
  }

  private static double meanAbsoluteDifference(RgbImage a, RgbImage b) {
    byte[] x = a.rgb();
    byte[] y = b.rgb();
    long sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
    }
    return (double) sum / x.length;
  }
}
