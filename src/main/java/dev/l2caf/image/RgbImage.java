package dev.l2caf.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TUint8;

/**
 * 8-bit RGB pixels, interleaved and row-major, already in display orientation. The array is shared,
 * not copied (images can be 12 Mpx): treat it as read-only.
 */
public record RgbImage(int width, int height, byte[] rgb) {

  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    if (rgb.length != (long) width * height * 3) {
      throw new IllegalArgumentException(
          String.format(
              "%dx%d RGB needs %d bytes, got %d", width, height, width * height * 3L, rgb.length));
    }
  }

  /** The pixels as a [height, width, 3] uint8 tensor (a copy; the caller closes it). */
  public TUint8 toTensor() {
    return TUint8.tensorOf(Shape.of(height, width, 3), DataBuffers.of(rgb, true, false));
  }

  /** A TYPE_3BYTE_BGR copy, ready for Java2D and ImageIO. */
  public BufferedImage toBufferedImage() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    image.getRaster().setDataElements(0, 0, width, height, rgb);
    return image;
  }

  /**
   * Converts any decoded image to RGB; transparent pixels are composited over white. Gray images
   * are read from their samples: BufferedImage.getRGB would treat gray as linear light and brighten
   * it.
   */
  public static RgbImage from(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      return fromBgr(image);
    }
    if (image.getColorModel() instanceof ComponentColorModel model
        && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      return fromGray(image.getRaster(), model.hasAlpha());
    }
    return fromArgb(image);
  }

  private static RgbImage fromBgr(BufferedImage image) {
    // getDataElements returns bands in band order (R, G, B), whatever the byte layout in memory.
    byte[] rgb =
        (byte[]) image.getRaster().getDataElements(0, 0, image.getWidth(), image.getHeight(), null);
    return new RgbImage(image.getWidth(), image.getHeight(), rgb);
  }

  private static RgbImage fromGray(Raster raster, boolean hasAlpha) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    double grayMax = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
    double alphaMax = hasAlpha ? (1 << raster.getSampleModel().getSampleSize(1)) - 1 : 1;
    int[] gray = new int[w];
    int[] alpha = new int[w];
    byte[] rgb = new byte[w * h * 3];
    int o = 0;
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, gray);
      if (hasAlpha) {
        raster.getSamples(0, y, w, 1, 1, alpha);
      }
      for (int x = 0; x < w; x++) {
        double g = gray[x] * 255.0 / grayMax;
        if (hasAlpha) {
          g = overWhite(g, alpha[x] / alphaMax);
        }
        byte v = (byte) Math.round(g);
        rgb[o++] = v;
        rgb[o++] = v;
        rgb[o++] = v;
      }
    }
    return new RgbImage(w, h, rgb);
  }

  private static RgbImage fromArgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    boolean hasAlpha = image.getColorModel().hasAlpha();
    int[] row = new int[w];
    byte[] rgb = new byte[w * h * 3];
    int o = 0;
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int argb : row) {
        double a = hasAlpha ? (argb >>> 24) / 255.0 : 1;
        rgb[o++] = (byte) Math.round(overWhite((argb >> 16) & 0xFF, a));
        rgb[o++] = (byte) Math.round(overWhite((argb >> 8) & 0xFF, a));
        rgb[o++] = (byte) Math.round(overWhite(argb & 0xFF, a));
      }
    }
    return new RgbImage(w, h, rgb);
  }

  private static double overWhite(double value, double alpha) {
    return value * alpha + 255 * (1 - alpha);
  }
}
