package dev.l2caf.image;

import java.util.Locale;

/**
 * Upper bounds on what an uploaded image may cost before we spend memory on it.
 *
 * @param maxBytes largest accepted encoded size
 * @param maxPixels largest accepted width * height, checked from the header before decoding
 */
public record ImageLimits(long maxBytes, long maxPixels) {

  private static final long MIB = 1024L * 1024L;

  public ImageLimits {
    if (maxBytes <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException(
          "image limits must be positive: " + maxBytes + " bytes, " + maxPixels + " pixels");
    }
  }

  /**
   * 20 MiB and 40 megapixels: a 40 Mpx RGB decode is ~120 MB of heap, the most we let one request
   * take.
   */
  public static ImageLimits defaults() {
    return new ImageLimits(20 * MIB, 40_000_000L);
  }

  /** Refuses a size read from a header, before anything of that size is allocated. */
  void requirePixels(String source, long width, long height) {
    if (width * height > maxPixels) {
      throw new ImageException(
          ImageException.Code.TOO_MANY_PIXELS,
          source,
          String.format(
              Locale.ROOT,
              "%dx%d is %,d pixels, more than the %,d allowed",
              width,
              height,
              width * height,
              maxPixels));
    }
  }
}
