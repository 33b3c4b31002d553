package dev.l2caf.image;

import static dev.l2caf.image.TestImages.BLUE;
import static dev.l2caf.image.TestImages.GREEN;
import static dev.l2caf.image.TestImages.RED;
import static dev.l2caf.image.TestImages.WHITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JavaImageDecoderTest {

  /**
   * JPEG at quality 0.95 keeps a flat color within a few levels; chroma subsampling blurs only at
   * edges.
   */
  private static final int JPEG_TOLERANCE = 4;

  private static RgbImage decode(String source, byte[] bytes) {
    return JavaImageDecoder.decode(
        source, bytes, ImageProbe.probe(source, bytes, ImageLimits.defaults()));
  }

  private static void assertSolid(RgbImage image, int width, int height, int rgb, int tolerance) {
    assertEquals(width, image.width());
    assertEquals(height, image.height());
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int actual = TestImages.rgbAt(image, x, y);
        assertTrue(
            TestImages.colorDistance(actual, rgb) <= tolerance,
            () -> String.format("pixel %06x, expected %06x within %d", actual, rgb, tolerance));
      }
    }
  }

  @Test
  void decodesCmykJpeg() {
    // Made by ImageMagick from rgb(200,30,40) without an ICC profile; TwelveMonkeys' fallback
    // conversion inverts the same naive formula, so the color comes back closely.
    assertSolid(decode("cmyk.jpg", TestImages.resource("cmyk.jpg")), 32, 24, 0xC81E28, 6);
  }

  @Test
  void decodesGrayJpegWithoutBrightening() {
    byte[] gray = TestImages.jpeg(TestImages.gray(20, 10, 100));
    assertSolid(decode("g.jpg", gray), 20, 10, 0x646464, 2);
  }

  @Test
  void decodesProgressiveJpeg() {
    assertSolid(
        decode("p.jpg", TestImages.jpeg(TestImages.solid(33, 17, 0xC86432), true)),
        33,
        17,
        0xC86432,
        JPEG_TOLERANCE);
  }

  @Test
  void decodesSixteenBitRgbPng() {
    ComponentColorModel model =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = model.createCompatibleWritableRaster(12, 8);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 12; x++) {
        raster.setPixel(x, y, new int[] {200 * 257, 100 * 257, 50 * 257});
      }
    }
    byte[] png = TestImages.png(new BufferedImage(model, raster, false, null));
    assertSolid(decode("16.png", png), 12, 8, 0xC86432, 0);
  }

  @Test
  void decodesSixteenBitGrayPng() {
    BufferedImage gray = new BufferedImage(5, 4, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster raster = gray.getRaster();
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        raster.setSample(x, y, 0, 128 * 257);
      }
    }
    assertSolid(decode("g16.png", TestImages.png(gray)), 5, 4, 0x808080, 0);
  }

  @Test
  void decodesPalettePng() {
    IndexColorModel palette =
        new IndexColorModel(
            8, 2, new byte[] {(byte) 255, 0}, new byte[] {0, 0}, new byte[] {0, (byte) 255});
    BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED, palette);
    image.getRaster().setSample(3, 1, 0, 1);
    RgbImage decoded = decode("palette.png", TestImages.png(image));
    assertEquals(RED, TestImages.rgbAt(decoded, 0, 0));
    assertEquals(BLUE, TestImages.rgbAt(decoded, 3, 1));
  }

  @Test
  void compositesAlphaOverWhite() {
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0xFFFF0000); // opaque red
    image.setRGB(
        1, 0, 0x80FF0000); // half-transparent red: 255 * (1 - 128/255) = 127 for green and blue
    image.setRGB(2, 0, 0x00000000); // fully transparent black
    RgbImage decoded = decode("alpha.png", TestImages.png(image));
    assertEquals(0xFF0000, TestImages.rgbAt(decoded, 0, 0));
    assertEquals(0xFF7F7F, TestImages.rgbAt(decoded, 1, 0));
    assertEquals(WHITE, TestImages.rgbAt(decoded, 2, 0));
  }

  @Test
  void refusesTruncatedJpegEvenWithoutTheProbe() {
    byte[] dog = TestImages.sample("dog.jpg");
    ImageHeader header = new ImageHeader(ImageFormat.JPEG, 768, 576, 1, true);
    ImageException e =
        assertThrows(
            ImageException.class,
            () ->
                JavaImageDecoder.decode(
                    "truncated.jpg", Arrays.copyOf(dog, dog.length / 2), header));
    assertEquals(ImageException.Code.CORRUPT, e.code());
    assertTrue(
        e.getMessage().startsWith("truncated.jpg: corrupt or truncated JPEG ("), e.getMessage());
  }

  @Test
  void refusesGarbagePngData() {
    byte[] png = TestImages.png(TestImages.quadrants(32, 32));
    int idat = indexOf(png, "IDAT".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    for (int i = idat + 4; i < idat + 24; i++) {
      png[i] = (byte) 0xA5;
    }
    ImageHeader header = ImageProbe.probe("bad.png", png, ImageLimits.defaults());
    ImageException e =
        assertThrows(ImageException.class, () -> JavaImageDecoder.decode("bad.png", png, header));
    assertEquals(ImageException.Code.CORRUPT, e.code());
    assertEquals("bad.png", e.source());
  }

  /**
   * Display corners (top-left, top-right, bottom-left, bottom-right) of the quadrant image for each
   * EXIF orientation, written from the EXIF definition of where stored row 0 and column 0 are shown
   * (6: row 0 on the right, column 0 on top), not from the implementation's transpose/reverse
   * table.
   */
  static final int[][] DISPLAY_CORNERS = {
    null,
    {RED, GREEN, BLUE, WHITE},
    {GREEN, RED, WHITE, BLUE},
    {WHITE, BLUE, GREEN, RED},
    {BLUE, WHITE, RED, GREEN},
    {RED, BLUE, GREEN, WHITE},
    {BLUE, RED, WHITE, GREEN},
    {WHITE, GREEN, BLUE, RED},
    {GREEN, WHITE, RED, BLUE},
  };

  static void assertDisplayCorners(RgbImage image, int orientation) {
    int inset = 3;
    int right = image.width() - 1 - inset;
    int bottom = image.height() - 1 - inset;
    int[] actual = {
      TestImages.rgbAt(image, inset, inset), TestImages.rgbAt(image, right, inset),
      TestImages.rgbAt(image, inset, bottom), TestImages.rgbAt(image, right, bottom)
    };
    int[] expected = DISPLAY_CORNERS[orientation];
    for (int i = 0; i < 4; i++) {
      int corner = i;
      assertTrue(
          TestImages.colorDistance(actual[i], expected[i]) <= 40,
          () ->
              String.format(
                  "orientation %d corner %d: %06x, expected %06x",
                  orientation, corner, actual[corner], expected[corner]));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void appliesExifOrientation(int orientation) {
    byte[] jpeg =
        TestImages.withExifOrientation(TestImages.jpeg(TestImages.quadrants(64, 32)), orientation);
    RgbImage image = decode("o.jpg", jpeg);
    assertEquals(orientation >= 5 ? 32 : 64, image.width());
    assertEquals(orientation >= 5 ? 64 : 32, image.height());
    assertDisplayCorners(image, orientation);
  }

  @Test
  void orientationSixTurnsClockwise() {
    // A 4x2 image marked at the stored top-left: turned clockwise it is 2x4, marked top-right.
    byte[] rgb = new byte[4 * 2 * 3];
    rgb[0] = (byte) 255;
    RgbImage turned = Orientation.apply(new RgbImage(4, 2, rgb), 6);
    assertEquals(2, turned.width());
    assertEquals(4, turned.height());
    assertEquals(RED, TestImages.rgbAt(turned, 1, 0));
    assertEquals(0, TestImages.rgbAt(turned, 0, 0));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }
}
