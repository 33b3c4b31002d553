package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageProbeTest {

  private static final ImageLimits LIMITS = ImageLimits.defaults();

  private static ImageException refused(String source, byte[] bytes, ImageLimits limits) {
    return assertThrows(ImageException.class, () -> ImageProbe.probe(source, bytes, limits));
  }

  @Test
  void readsJpegSizeAndMarksBaselineDecodable() {
    ImageHeader header = ImageProbe.probe("dog.jpg", TestImages.sample("dog.jpg"), LIMITS);
    assertEquals(new ImageHeader(ImageFormat.JPEG, 768, 576, 1, true), header);
  }

  @Test
  void readsPngSizeAndLeavesItToJava() {
    byte[] png = TestImages.png(TestImages.solid(30, 20, 0x123456));
    assertEquals(
        new ImageHeader(ImageFormat.PNG, 30, 20, 1, false), ImageProbe.probe("a.png", png, LIMITS));
  }

  static Stream<Arguments> otherFormats() {
    return Stream.of(
        Arguments.of(ascii("GIF89a\1\0\1\0\0\0"), "GIF"),
        Arguments.of(ascii("RIFF\44\0\0\0WEBPVP8 "), "WebP"),
        Arguments.of(
            ascii("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "SVG"),
        Arguments.of(ascii("PK\3\4\24\0\0\0"), "a ZIP archive"),
        Arguments.of(ascii("hello, this is not a picture\n"), "text"),
        Arguments.of(ascii("BM6\0\0\0"), "BMP"));
  }

  @ParameterizedTest
  @MethodSource("otherFormats")
  void refusesOtherFormatsSayingWhatTheyLookLike(byte[] bytes, String lookalike) {
    ImageException e = refused("upload.bin", bytes, LIMITS);
    assertEquals(ImageException.Code.UNSUPPORTED_FORMAT, e.code());
    assertEquals("upload.bin", e.source());
    assertTrue(e.getMessage().startsWith("upload.bin: "), e.getMessage());
    assertTrue(e.getMessage().contains("looks like " + lookalike + ")"), e.getMessage());
  }

  @Test
  void refusesBinaryJunk() {
    byte[] junk = {0x00, (byte) 0x9C, 0x01, (byte) 0xFE, 0x00, 0x00, 0x7F};
    ImageException e = refused("x", junk, LIMITS);
    assertEquals(ImageException.Code.UNSUPPORTED_FORMAT, e.code());
    assertTrue(e.getMessage().contains("unknown binary data"), e.getMessage());
  }

  @Test
  void refusesEmpty() {
    ImageException e = refused("empty.jpg", new byte[0], LIMITS);
    assertEquals(ImageException.Code.EMPTY, e.code());
    assertEquals("empty.jpg", e.source());
  }

  @Test
  void refusesMoreBytesThanAllowed() {
    byte[] dog = TestImages.sample("dog.jpg");
    ImageException e = refused("dog.jpg", dog, new ImageLimits(dog.length - 1, 40_000_000));
    assertEquals(ImageException.Code.TOO_MANY_BYTES, e.code());
    ImageProbe.probe(
        "dog.jpg", dog, new ImageLimits(dog.length, 40_000_000)); // exactly at the limit is fine
  }

  @Test
  void refusesPngBombFromItsHeaderAlone() {
    // 50000 x 50000 RGB would be 7.5 GB decoded; the file is 33 bytes. A quick refusal in a 2 GB
    // heap shows nothing was allocated.
    byte[] bomb = TestImages.pngHeaderOnly(50_000, 50_000);
    ImageException e =
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> refused("bomb.png", bomb, LIMITS));
    assertEquals(ImageException.Code.TOO_MANY_PIXELS, e.code());
    assertTrue(e.getMessage().contains("50000x50000"), e.getMessage());
  }

  @Test
  void refusesJpegLargerThanThePixelLimit() {
    ImageException e =
        refused("dog.jpg", TestImages.sample("dog.jpg"), new ImageLimits(1 << 30, 768 * 576 - 1));
    assertEquals(ImageException.Code.TOO_MANY_PIXELS, e.code());
  }

  @Test
  void refusesPngWithBadHeaderChecksum() {
    byte[] png = TestImages.pngHeaderOnly(10, 10);
    png[png.length - 1] ^= 1;
    assertEquals(ImageException.Code.CORRUPT, refused("bad.png", png, LIMITS).code());
  }

  @Test
  void refusesTruncatedPng() {
    byte[] png = TestImages.png(TestImages.quadrants(64, 64));
    ImageException e = refused("cut.png", Arrays.copyOf(png, png.length - 20), LIMITS);
    assertEquals(ImageException.Code.CORRUPT, e.code());
    assertTrue(e.getMessage().startsWith("cut.png: corrupt or truncated PNG"), e.getMessage());
  }

  @Test
  void refusesTruncatedJpegNamingTheFile() {
    byte[] dog = TestImages.sample("dog.jpg");
    ImageException e = refused("truncated.jpg", Arrays.copyOf(dog, dog.length / 2), LIMITS);
    assertEquals(ImageException.Code.CORRUPT, e.code());
    assertEquals(
        "truncated.jpg: corrupt or truncated JPEG (Premature end of JPEG file)", e.getMessage());
  }

  @Test
  void walksEveryScanOfAProgressiveJpeg() {
    byte[] progressive = TestImages.jpeg(TestImages.quadrants(64, 48), true);
    byte[] withTrailer = TestImages.concat(progressive, ascii("trailer"));
    assertEquals(64, ImageProbe.probe("p.jpg", withTrailer, LIMITS).width());
    byte[] cut = Arrays.copyOf(progressive, lastIndexOfMarker(progressive, 0xDA)); // last scan lost
    assertEquals(ImageException.Code.CORRUPT, refused("p.jpg", cut, LIMITS).code());
  }

  @Test
  void refusesJpegCutInsideTheHeader() {
    byte[] dog = TestImages.sample("dog.jpg");
    assertEquals(
        ImageException.Code.CORRUPT, refused("h.jpg", Arrays.copyOf(dog, 40), LIMITS).code());
  }

  @Test
  void acceptsTrailingBytesAfterTheEndOfImage() {
    byte[] dog = TestImages.concat(TestImages.sample("dog.jpg"), ascii("trailer"));
    assertEquals(768, ImageProbe.probe("dog.jpg", dog, LIMITS).width());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void readsExifOrientation(int orientation) {
    byte[] jpeg =
        TestImages.withExifOrientation(
            TestImages.jpeg(TestImages.solid(40, 20, 0x808080)), orientation);
    ImageHeader header = ImageProbe.probe("o.jpg", jpeg, LIMITS);
    assertEquals(orientation, header.orientation());
    assertEquals(orientation >= 5 ? 20 : 40, header.displayWidth());
    assertEquals(orientation >= 5 ? 40 : 20, header.displayHeight());
  }

  @Test
  void ignoresBrokenExif() {
    byte[] garbage =
        TestImages.concat(
            ascii("Exif\0\0"), new byte[] {'M', 'M', 0, 42, 0x7F, 0x7F, 0x7F, 0x7F, 1, 2, 3});
    byte[] jpeg = TestImages.withApp1(TestImages.jpeg(TestImages.solid(16, 16, 0)), garbage);
    assertEquals(1, ImageProbe.probe("e.jpg", jpeg, LIMITS).orientation());
  }

  @Test
  void ignoresOutOfRangeOrientation() {
    byte[] jpeg = TestImages.withExifOrientation(TestImages.jpeg(TestImages.solid(16, 16, 0)), 9);
    assertEquals(1, ImageProbe.probe("o.jpg", jpeg, LIMITS).orientation());
  }

  @Test
  void marksProgressiveAndGrayJpegDecodable() {
    byte[] progressive = TestImages.jpeg(TestImages.solid(16, 16, 0x336699), true);
    assertEquals(0xC2, progressive[TestImages.markerIndex(progressive, 0xC2) + 1] & 0xFF);
    assertTrue(ImageProbe.probe("p.jpg", progressive, LIMITS).tensorflowDecodable());
    byte[] gray = TestImages.jpeg(new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY));
    assertTrue(ImageProbe.probe("g.jpg", gray, LIMITS).tensorflowDecodable());
  }

  @Test
  void leavesCmykJpegToJava() {
    ImageHeader header = ImageProbe.probe("cmyk.jpg", TestImages.resource("cmyk.jpg"), LIMITS);
    assertEquals(32, header.width());
    assertFalse(header.tensorflowDecodable());
  }

  @ParameterizedTest
  @ValueSource(ints = {0xC3, 0xC9, 0xCA}) // lossless, arithmetic sequential, arithmetic progressive
  void leavesOtherCodingProcessesToJava(int frameMarker) {
    byte[] jpeg = TestImages.jpeg(TestImages.solid(16, 16, 0x336699));
    jpeg[TestImages.markerIndex(jpeg, 0xC0) + 1] = (byte) frameMarker;
    assertFalse(ImageProbe.probe("x.jpg", jpeg, LIMITS).tensorflowDecodable());
  }

  @Test
  void leavesTwelveBitJpegToJava() {
    byte[] jpeg = TestImages.jpeg(TestImages.solid(16, 16, 0x336699));
    jpeg[TestImages.markerIndex(jpeg, 0xC0) + 4] = 12; // precision byte after marker and length
    assertFalse(ImageProbe.probe("x.jpg", jpeg, LIMITS).tensorflowDecodable());
  }

  private static int lastIndexOfMarker(byte[] jpeg, int marker) {
    for (int i = jpeg.length - 2; i >= 0; i--) {
      if (jpeg[i] == (byte) 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
        return i;
      }
    }
    throw new IllegalArgumentException("no marker " + Integer.toHexString(marker));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
