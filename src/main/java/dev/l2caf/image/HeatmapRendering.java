package dev.l2caf.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pure-Java heatmap post-processing: upsampling to image size, normalization, and pictures of the
 * result.
 */
public final class HeatmapRendering {

  /** Weight of the colormap in an overlay; the image shows through with the rest. */
  public static final double DEFAULT_OVERLAY_ALPHA = 0.6;

  private static final Map<Double, byte[]> BLENDS = new ConcurrentHashMap<>();

  private HeatmapRendering() {}

  /**
   * Bilinear upsampling with half-pixel centers and clamped edges, the same sampling as
   * TensorFlow's ResizeBilinear(half_pixel_centers=True), so heatmaps line up with the resized
   * model input.
   *
   * @param grid row-major, gridH rows of gridW values
   * @return row-major, outH rows of outW values
   */
  public static float[] upsample(float[] grid, int gridH, int gridW, int outW, int outH) {
    float[] out = new float[outW * outH];
    upsampleRows(grid, gridH, gridW, outW, outH, (y, row) -> System.arraycopy(row, 0, out, y * outW, outW));
    return out;
  }

  /** Receives the rows of an upsampled map, top to bottom, in a buffer that is reused for the next row. */
  @FunctionalInterface
  public interface RowSink {
    void row(int y, float[] values);
  }

  /**
   * {@link #upsample} one row at a time, without holding the whole map (a 12-Mpx image would need
   * 48 MB): the two grid rows around each output row are blended first, then interpolated along x.
   */
  public static void upsampleRows(float[] grid, int gridH, int gridW, int outW, int outH, RowSink sink) {
    if (grid.length != gridH * gridW || outW <= 0 || outH <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "cannot upsample %d values as a %dx%d grid to %dx%d",
              grid.length, gridH, gridW, outW, outH));
    }
    Taps columns = Taps.of(gridW, outW);
    Taps rows = Taps.of(gridH, outH);
    float[] blended = new float[gridW];
    float[] row = new float[outW];
    for (int y = 0; y < outH; y++) {
      int top = rows.low[y] * gridW;
      int bottom = rows.high[y] * gridW;
      float fy = rows.fraction[y];
      for (int gx = 0; gx < gridW; gx++) {
        blended[gx] = lerp(grid[top + gx], grid[bottom + gx], fy);
      }
      for (int x = 0; x < outW; x++) {
        row[x] = lerp(blended[columns.low[x]], blended[columns.high[x]], columns.fraction[x]);
      }
      sink.row(y, row);
    }
  }

  /**
   * For each output coordinate along one axis: the two source samples and the weight of the second.
   */
  private record Taps(int[] low, int[] high, float[] fraction) {

    static Taps of(int in, int out) {
      int[] low = new int[out];
      int[] high = new int[out];
      float[] fraction = new float[out];
      double scale = (double) in / out;
      for (int o = 0; o < out; o++) {
        double position = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
        low[o] = (int) position;
        high[o] = Math.min(low[o] + 1, in - 1);
        fraction[o] = (float) (position - low[o]);
      }
      return new Taps(low, high, fraction);
    }
  }

  /** Rescales to [0, 1]; a constant map has no contrast to show and becomes all 0. */
  public static float[] normalizeMinMax(float[] values) {
    return normalizeMinMaxInPlace(values.clone());
  }

  /** {@link #normalizeMinMax} into {@code values} itself, for a map nobody else holds; returns it. */
  public static float[] normalizeMinMaxInPlace(float[] values) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float range = max - min;
    if (range > 0) {
      for (int i = 0; i < values.length; i++) {
        values[i] = (values[i] - min) / range;
      }
    } else {
      Arrays.fill(values, 0);
    }
    return values;
  }

  /** 8-bit gray picture of values in [0, 1] (clamped), row-major h rows of w. */
  public static BufferedImage grayscale(float[] v01, int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, w, h, grayLevels(v01, w, h));
    return image;
  }

  /** The levels of {@link #grayscale}, without the picture around them. */
  public static byte[] grayLevels(float[] v01, int w, int h) {
    requireSize(v01, w, h);
    byte[] levels = new byte[v01.length];
    ColorTable gray = Colormap.GRAY.table();
    for (int i = 0; i < v01.length; i++) {
      levels[i] = (byte) (gray.rgb(v01[i]) & 0xFF);
    }
    return levels;
  }

  /**
   * Blends a colormapped heatmap over the image: {@code alpha * colormap + (1 - alpha) * image} per
   * channel.
   *
   * @param v01 values in [0, 1] at the image's size, row-major
   * @param alpha weight of the colormap, usually {@link #DEFAULT_OVERLAY_ALPHA}
   */
  public static BufferedImage overlay(RgbImage original, float[] v01, Colormap cmap, double alpha) {
    return overlayRgb(original, v01, cmap, alpha).toBufferedImage();
  }

  /** {@link #overlay} as RGB bytes. */
  public static RgbImage overlayRgb(RgbImage original, float[] v01, Colormap cmap, double alpha) {
    requireSize(v01, original.width(), original.height());
    byte[] blend = BLENDS.computeIfAbsent(alpha, HeatmapRendering::blendTable);
    byte[] image = original.rgb();
    byte[] out = new byte[image.length];
    ColorTable colors = cmap.table();
    for (int i = 0; i < v01.length; i++) {
      int color = colors.rgb(v01[i]);
      int at = i * 3;
      out[at] = blend[(color >> 8 & 0xFF00) | (image[at] & 0xFF)];
      out[at + 1] = blend[(color & 0xFF00) | (image[at + 1] & 0xFF)];
      out[at + 2] = blend[(color << 8 & 0xFF00) | (image[at + 2] & 0xFF)];
    }
    return new RgbImage(original.width(), original.height(), out);
  }

  /**
   * Both operands of a blend are 8-bit, so a 64 KiB table holds every blend at {@code alpha}, computed by the
   * formula: the same bytes as blending pixel by pixel, several times faster. Kept per alpha, as building it
   * took a tenth of an overlay's time.
   */
  private static byte[] blendTable(double alpha) {
    byte[] blend = new byte[256 * 256];
    for (int heat = 0; heat < 256; heat++) {
      for (int pixel = 0; pixel < 256; pixel++) {
        blend[heat << 8 | pixel] = (byte) Math.round(alpha * heat + (1 - alpha) * pixel);
      }
    }
    return blend;
  }

  /** PNG encoding of a picture: 8-bit gray when it is gray, else RGB (see {@link PngEncoder}). */
  public static byte[] png(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      byte[] levels = (byte[]) image.getRaster().getDataElements(0, 0, image.getWidth(), image.getHeight(), null);
      return PngEncoder.gray(image.getWidth(), image.getHeight(), levels);
    }
    return PngEncoder.rgb(RgbImage.from(image));
  }

  /**
   * The image scaled (bilinear, half-pixel centers, as {@link #upsample} samples) so its longest side is at
   * most {@code maxSide}; never enlarged. Only the four pixels around each output pixel are read, so a
   * thumbnail costs next to nothing however large the image.
   */
  public static RgbImage shrink(RgbImage image, int maxSide) {
    double scale = Math.min(1.0, (double) maxSide / Math.max(image.width(), image.height()));
    int w = Math.max(1, (int) Math.round(image.width() * scale));
    int h = Math.max(1, (int) Math.round(image.height() * scale));
    Taps columns = Taps.of(image.width(), w);
    Taps rows = Taps.of(image.height(), h);
    byte[] in = image.rgb();
    byte[] out = new byte[w * h * 3];
    int stride = image.width() * 3;
    for (int y = 0; y < h; y++) {
      int top = rows.low[y] * stride;
      int bottom = rows.high[y] * stride;
      float fy = rows.fraction[y];
      for (int x = 0; x < w; x++) {
        int left = columns.low[x] * 3;
        int right = columns.high[x] * 3;
        float fx = columns.fraction[x];
        for (int c = 0; c < 3; c++) {
          float upper = lerp(in[top + left + c] & 0xFF, in[top + right + c] & 0xFF, fx);
          float lower = lerp(in[bottom + left + c] & 0xFF, in[bottom + right + c] & 0xFF, fx);
          out[(y * w + x) * 3 + c] = (byte) Math.round(lerp(upper, lower, fy));
        }
      }
    }
    return new RgbImage(w, h, out);
  }

  private static float lerp(float a, float b, float fraction) {
    return a + (b - a) * fraction;
  }

  private static void requireSize(float[] values, int w, int h) {
    if (values.length != (long) w * h) {
      throw new IllegalArgumentException(
          "expected " + (long) w * h + " values for " + w + "x" + h + ", got " + values.length);
    }
  }
}
