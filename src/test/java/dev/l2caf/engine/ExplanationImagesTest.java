package dev.l2caf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.image.Colormap;
import dev.l2caf.image.HeatmapRendering;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.image.RgbImage;
import dev.l2caf.image.TestImages;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.SolverKind;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The service's pictures against the rendering they replaced (per-pixel blend, ImageIO's PNG writer, a
 * thumbnail overlaid at thumbnail size), on real photos as the service decodes them, upright, EXIF-rotated
 * and grayscale: PNGs are the same pixels; on average the JPEG overlay is within 4 levels of 255 (measured
 * 1.4-2.9) and the thumbnail within 1.5 (measured 0.2-0.4).
 */
class ExplanationImagesTest {
  private static ImagePipeline pipeline;

  @BeforeAll
  static void open() {
    pipeline = new ImagePipeline(TestImages.MOBILENET, ImageLimits.defaults());
  }

  @AfterAll
  static void close() {
    pipeline.close();
  }

  static Map<String, byte[]> photos() {
    Map<String, byte[]> photos = new LinkedHashMap<>();
    photos.put("dog", TestImages.sample("dog.jpg"));
    photos.put("horses, EXIF rotated 90", TestImages.withExifOrientation(TestImages.sample("horses.jpg"), 6));
    photos.put("giraffe, grayscale", TestImages.jpeg(grayOf(TestImages.sample("giraffe.jpg"))));
    return photos;
  }

  static Iterable<String> names() {
    return photos().keySet();
  }

  @ParameterizedTest
  @MethodSource("names")
  void picturesMatchTheJavaRendering(String name) throws IOException {
    PreparedImage image = pipeline.prepare(name, photos().get(name), true);
    RgbImage original = image.original();
    if (name.contains("rotated")) {
      assertEquals(512, original.width(), "rotated to display orientation"); // stored 773x512
    }
    ClassExplanation explanation = explanation(name.hashCode());
    ExplanationImages pictures = new ExplanationImages(explanation, image.width(), image.height(), original);
    float[] values = HeatmapRendering.normalizeMinMax(HeatmapRendering.upsample(explanation.heatmap(),
        explanation.gridHeight(), explanation.gridWidth(), original.width(), original.height()));
    RgbImage overlay = legacyOverlay(original, values);

    BufferedImage heatmap = read(pictures.heatmapPng());
    BufferedImage legacyHeatmap = read(legacyPng(HeatmapRendering.grayscale(values, image.width(), image.height())));
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, heatmap.getType());
    assertArrayEquals((byte[]) legacyHeatmap.getRaster().getDataElements(0, 0, image.width(), image.height(), null),
        (byte[]) heatmap.getRaster().getDataElements(0, 0, image.width(), image.height(), null));

    assertArrayEquals(RgbImage.from(read(legacyPng(overlay.toBufferedImage()))).rgb(),
        RgbImage.from(read(pictures.overlayPng())).rgb());

    RgbImage jpeg = RgbImage.from(read(pictures.overlayJpg()));
    assertEquals(original.width(), jpeg.width());
    assertEquals(original.height(), jpeg.height());
    assertTrue(meanDifference(overlay, jpeg) < 4, name + ": JPEG overlay off by " + meanDifference(overlay, jpeg));

    RgbImage thumbnail = RgbImage.from(read(pictures.overlayThumbnailPng(128)));
    RgbImage legacyThumbnail = legacyThumbnail(explanation, original, 128);
    assertEquals(legacyThumbnail.width(), thumbnail.width());
    assertEquals(legacyThumbnail.height(), thumbnail.height());
    assertTrue(meanDifference(legacyThumbnail, thumbnail) < 1.5,
        name + ": thumbnail off by " + meanDifference(legacyThumbnail, thumbnail));
  }

  /** A smooth random 7x7 map, like a real filter's: a few blobs. */
  private static ClassExplanation explanation(long seed) {
    Random random = new Random(seed);
    float[] grid = new float[49];
    for (int blob = 0; blob < 3; blob++) {
      double cx = random.nextDouble() * 7;
      double cy = random.nextDouble() * 7;
      for (int i = 0; i < grid.length; i++) {
        double dx = i % 7 - cx;
        double dy = i / 7 - cy;
        grid[i] += (float) Math.exp(-(dx * dx + dy * dy) / 3);
      }
    }
    return new ClassExplanation(1, "one", SolverKind.EXACT, Loss.REFERENCE, Heat.ABS, 0, 0f, grid, 7, 7, null);
  }

  private static RgbImage legacyOverlay(RgbImage original, float[] v01) {
    double alpha = HeatmapRendering.DEFAULT_OVERLAY_ALPHA;
    byte[] image = original.rgb();
    byte[] out = new byte[image.length];
    for (int i = 0; i < v01.length; i++) {
      int color = Colormap.BWR.rgb(v01[i]);
      for (int c = 0; c < 3; c++) {
        int heat = (color >> (16 - 8 * c)) & 0xFF;
        out[i * 3 + c] = (byte) Math.round(alpha * heat + (1 - alpha) * (image[i * 3 + c] & 0xFF));
      }
    }
    return new RgbImage(original.width(), original.height(), out);
  }

  /** The thumbnail as it was: the original shrunk, then overlaid with the heatmap at that size. */
  private static RgbImage legacyThumbnail(ClassExplanation e, RgbImage original, int maxSide) {
    double scale = Math.min(1.0, (double) maxSide / Math.max(original.width(), original.height()));
    int w = Math.max(1, (int) Math.round(original.width() * scale));
    int h = Math.max(1, (int) Math.round(original.height() * scale));
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(original.toBufferedImage(), 0, 0, w, h, null);
    g.dispose();
    float[] values = HeatmapRendering.normalizeMinMax(
        HeatmapRendering.upsample(e.heatmap(), e.gridHeight(), e.gridWidth(), w, h));
    return legacyOverlay(RgbImage.from(small), values);
  }

  /** ImageIO's PNG writer, as the service called it before. */
  private static byte[] legacyPng(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static double meanDifference(RgbImage a, RgbImage b) {
    long sum = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      sum += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
    }
    return (double) sum / a.rgb().length;
  }

  private static BufferedImage grayOf(byte[] jpeg) {
    try {
      BufferedImage color = ImageIO.read(new ByteArrayInputStream(jpeg));
      BufferedImage gray = new BufferedImage(color.getWidth(), color.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
      Graphics2D g = gray.createGraphics();
      g.drawImage(color, 0, 0, null);
      g.dispose();
      return gray;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static BufferedImage read(byte[] bytes) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }
}
