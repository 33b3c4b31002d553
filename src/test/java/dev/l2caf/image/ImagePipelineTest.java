package dev.l2caf.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImagePipelineTest {

  private static final float SCALE = 1 / 127.5f;

  private static ImagePipeline pipeline;
  private static PreprocessGraph graph;
  private static byte[] dog;

  @BeforeAll
  static void setUp() {
    pipeline = new ImagePipeline(TestImages.MOBILENET, ImageLimits.defaults());
    graph = new PreprocessGraph(TestImages.MOBILENET);
    dog = TestImages.sample("dog.jpg");
  }

  @AfterAll
  static void tearDown() {
    pipeline.close();
    graph.close();
  }

  /** The Java path for dog.jpg: ImageIO decode, then the shared orient/resize/normalize graph. */
  private static float[] javaPath(byte[] jpeg) {
    ImageHeader header = ImageProbe.probe("dog.jpg", jpeg, ImageLimits.defaults());
    return graph.fromRgb(JavaImageDecoder.decode("dog.jpg", jpeg, header));
  }

  @Test
  void choosesTheLargestDctRatioThatStillCoversTheInput() {
    assertEquals(
        2, ImagePipeline.dctRatio(768, 576, 224, 224)); // 384x288 covers, 192x144 would not
    assertEquals(4, ImagePipeline.dctRatio(896, 896, 224, 224)); // exactly 224 at 1/4
    assertEquals(
        4, ImagePipeline.dctRatio(893, 896, 224, 224)); // libjpeg rounds up: ceil(893/4) = 224
    assertEquals(2, ImagePipeline.dctRatio(892, 896, 224, 224)); // ceil(892/4) = 223 is too small
    assertEquals(8, ImagePipeline.dctRatio(4000, 3000, 224, 224));
    assertEquals(1, ImagePipeline.dctRatio(300, 200, 224, 224));
    assertEquals(1, ImagePipeline.dctRatio(100, 1000, 224, 224));
    assertEquals(2, ImagePipeline.dctRatio(1000, 500, 448, 224)); // non-square input
  }

  @Test
  void tensorflowAndJavaDecodesAgreeAtFullScale() {
    // Same bytes, two libjpeg builds (the JDK's 6b and TensorFlow's libjpeg-turbo): their IDCT and
    // chroma upsampling round differently by about one level. 0.02 in [-1, 1] units is 2.5 levels
    // on average.
    float[] tensorflow = graph.fromJpeg("dog.jpg", dog, 1, 1, false).orElseThrow().modelInput();
    double difference = TestImages.meanAbsDifference(tensorflow, javaPath(dog));
    assertTrue(difference < 0.02, "mean abs difference " + difference);
  }

  @Test
  void dctScaledDecodeMatchesABoxFilteredFullDecode() {
    // Decoding at 1/2 scale averages 2x2 pixel blocks in the DCT domain; a 2x2 box filter over the
    // full Java decode is an independent estimate of the same thing, so the two agree within
    // decoder rounding.
    float[] scaled = graph.fromJpeg("dog.jpg", dog, 1, 2, false).orElseThrow().modelInput();
    ImageHeader header = ImageProbe.probe("dog.jpg", dog, ImageLimits.defaults());
    float[] boxed = graph.fromRgb(halve(JavaImageDecoder.decode("dog.jpg", dog, header)));
    double difference = TestImages.meanAbsDifference(scaled, boxed);
    assertTrue(difference < 0.02, "mean abs difference " + difference);
  }

  @Test
  void pipelineOnDogAgreesWithTheJavaPath() {
    // The pipeline decodes dog.jpg at 1/2 scale. Against a full-scale decode resized 768 -> 224
    // (which samples without averaging and so aliases fine fur texture) the mean difference is
    // larger than pure decoder rounding: measured about 0.028, i.e. 3.6 levels. 0.05 (6 levels)
    // still catches any misaligned, mis-scaled or channel-swapped input, which differs by ~0.3 and
    // more.
    PreparedImage prepared = pipeline.prepare("dog.jpg", dog, false);
    assertEquals(768, prepared.width());
    assertEquals(576, prepared.height());
    assertNull(prepared.original());
    assertEquals(224 * 224 * 3, prepared.modelInput().length);
    double difference = TestImages.meanAbsDifference(prepared.modelInput(), javaPath(dog));
    assertTrue(difference < 0.05, "mean abs difference " + difference);
  }

  @Test
  void keepsTheFullSizeOriginalWithoutChangingTheModelInput() {
    PreparedImage prepared = pipeline.prepare("dog.jpg", dog, true);
    RgbImage original = prepared.original();
    assertNotNull(original);
    assertEquals(768, original.width());
    assertEquals(576, original.height());
    ImageHeader header = ImageProbe.probe("dog.jpg", dog, ImageLimits.defaults());
    RgbImage java = JavaImageDecoder.decode("dog.jpg", dog, header);
    double sum = 0;
    for (int i = 0; i < java.rgb().length; i++) {
      sum += Math.abs((original.rgb()[i] & 0xFF) - (java.rgb()[i] & 0xFF));
    }
    assertTrue(sum / java.rgb().length < 2, "mean abs level difference " + sum / java.rgb().length);
    // The model input is the same whether or not overlays need the original.
    assertArrayEquals(pipeline.prepare("dog.jpg", dog, false).modelInput(), prepared.modelInput());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void orientsInTensorflowLikeExifSays(int orientation) {
    byte[] jpeg =
        TestImages.withExifOrientation(TestImages.jpeg(TestImages.quadrants(64, 32)), orientation);
    PreparedImage prepared = pipeline.prepare("o.jpg", jpeg, true);
    assertEquals(orientation >= 5 ? 32 : 64, prepared.width());
    assertEquals(orientation >= 5 ? 64 : 32, prepared.height());
    JavaImageDecoderTest.assertDisplayCorners(prepared.original(), orientation);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 6, 8})
  void orientsTheModelInputToo(int orientation) {
    // The model input is made from the oriented image: its top-left is the display top-left.
    byte[] jpeg =
        TestImages.withExifOrientation(TestImages.jpeg(TestImages.quadrants(64, 32)), orientation);
    float[] input = pipeline.prepare("o.jpg", jpeg, false).modelInput();
    int expected = JavaImageDecoderTest.DISPLAY_CORNERS[orientation][0];
    assertPixel(input, 224, 0, 0, expected, 0.1);
  }

  @Test
  void decodesProgressiveAndGrayJpegInTensorflow() {
    byte[] progressive = TestImages.jpeg(TestImages.solid(300, 250, 0xC86432), true);
    float[] progressiveInput = pipeline.prepare("p.jpg", progressive, false).modelInput();
    assertPixel(progressiveInput, 224, 50, 50, 0xC86432, 0.04);
    byte[] gray = TestImages.jpeg(TestImages.gray(300, 250, 100));
    float[] grayInput = pipeline.prepare("g.jpg", gray, false).modelInput();
    assertPixel(grayInput, 224, 50, 50, 0x646464, 0.03);
  }

  @Test
  void decodesCmykThroughTheJavaFallback() {
    PreparedImage prepared = pipeline.prepare("cmyk.jpg", TestImages.resource("cmyk.jpg"), true);
    assertEquals(32, prepared.width());
    assertEquals(24, prepared.height());
    assertNotNull(prepared.original());
    assertPixel(prepared.modelInput(), 224, 112, 112, 0xC81E28, 0.05);
  }

  @Test
  void decodesPngThroughTheJavaFallback() {
    PreparedImage prepared =
        pipeline.prepare("q.png", TestImages.png(TestImages.quadrants(100, 60)), false);
    assertEquals(100, prepared.width());
    assertPixel(prepared.modelInput(), 224, 10, 10, TestImages.RED, 0.001);
    assertPixel(prepared.modelInput(), 224, 213, 213, TestImages.WHITE, 0.001);
  }

  @Test
  void normalizesAndReordersChannelsPerSpec() {
    InputSpec bgr =
        InputSpec.meanStd(8, 8, ChannelOrder.BGR, new float[] {100, 50, 0}, new float[] {2, 4, 5});
    try (ImagePipeline p = new ImagePipeline(bgr, ImageLimits.defaults())) {
      float[] input =
          p.prepare("s.png", TestImages.png(TestImages.solid(16, 16, 0xC86432)), false)
              .modelInput();
      // Model channel order is B, G, R = 50, 100, 200; (value - mean) / std per model channel.
      assertArrayEquals(
          new float[] {(50 - 100) / 2f, (100 - 50) / 4f, (200 - 0) / 5f},
          Arrays.copyOfRange(input, 0, 3),
          1e-4f);
    }
  }

  @Test
  void centerCropKeepsTheMiddleSquare() {
    // Red | green | blue bands, each a third of the width: the centered square is the green one.
    BufferedImage bands = new BufferedImage(1344, 448, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 1344; x++) {
      int color = x < 448 ? TestImages.RED : x < 896 ? TestImages.GREEN : TestImages.BLUE;
      for (int y = 0; y < 448; y++) {
        bands.setRGB(x, y, color);
      }
    }
    InputSpec crop = TestImages.MOBILENET.withResizeMode(ResizeMode.CENTER_CROP);
    try (ImagePipeline p = new ImagePipeline(crop, ImageLimits.defaults())) {
      for (byte[] encoded : List.of(TestImages.jpeg(bands), TestImages.png(bands))) {
        float[] input = p.prepare("bands", encoded, false).modelInput();
        assertPixel(input, 224, 112, 112, TestImages.GREEN, 0.05);
        assertPixel(
            input, 224, 8, 8, TestImages.GREEN, 0.1); // JPEG rings a little near the band edge
        assertPixel(input, 224, 215, 215, TestImages.GREEN, 0.1);
      }
    }
  }

  @Test
  void refusesTruncatedJpeg() {
    ImageException e =
        assertThrows(
            ImageException.class,
            () -> pipeline.prepare("truncated.jpg", Arrays.copyOf(dog, dog.length / 2), false));
    assertEquals(ImageException.Code.CORRUPT, e.code());
  }

  @Test
  void reportsCorruptWhenBothDecodersFail() {
    // A Huffman table whose code counts exceed 256 symbols is an error in every libjpeg: TensorFlow
    // fails first, the Java decoder then fails too, and the caller sees CORRUPT rather than a
    // TensorFlow exception.
    byte[] bad = dog.clone();
    int dht = TestImages.markerIndex(bad, 0xC4);
    Arrays.fill(bad, dht + 5, dht + 5 + 16, (byte) 0xFF);
    ImageException e =
        assertThrows(ImageException.class, () -> pipeline.prepare("bad.jpg", bad, false));
    assertEquals(ImageException.Code.CORRUPT, e.code());
    assertEquals("bad.jpg", e.source());
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    float[] expected = pipeline.prepare("dog.jpg", dog, false).modelInput();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> pipeline.prepare("dog.jpg", dog, false).modelInput()));
      }
      for (Future<float[]> result : results) {
        assertArrayEquals(expected, result.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void refusesWorkAfterClose() {
    ImagePipeline closed = new ImagePipeline(TestImages.MOBILENET, ImageLimits.defaults());
    closed.close();
    closed.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> closed.prepare("dog.jpg", dog, false));
  }

  /** Asserts the model input at (x, y) is the given color under the MobileNet scale and offset. */
  private static void assertPixel(
      float[] input, int width, int x, int y, int rgb, double tolerance) {
    int i = (y * width + x) * 3;
    for (int c = 0; c < 3; c++) {
      float expected = ((rgb >> (16 - 8 * c)) & 0xFF) * SCALE - 1;
      float actual = input[i + c];
      assertTrue(
          Math.abs(actual - expected) <= tolerance,
          String.format("(%d, %d) channel %d: %.4f, expected %.4f", x, y, c, actual, expected));
    }
  }

  /** 2x2 box filter, halving each dimension (rounding up, like libjpeg's scaled output size). */
  private static RgbImage halve(RgbImage image) {
    int w = (image.width() + 1) / 2;
    int h = (image.height() + 1) / 2;
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          int n = 0;
          for (int dy = 0; dy < 2 && 2 * y + dy < image.height(); dy++) {
            for (int dx = 0; dx < 2 && 2 * x + dx < image.width(); dx++) {
              sum += image.rgb()[((2 * y + dy) * image.width() + 2 * x + dx) * 3 + c] & 0xFF;
              n++;
            }
          }
          out[(y * w + x) * 3 + c] = (byte) Math.round((float) sum / n);
        }
      }
    }
    return new RgbImage(w, h, out);
  }
}
