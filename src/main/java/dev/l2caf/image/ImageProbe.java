package dev.l2caf.image;

import java.util.Locale;

/**
 * Checks an upload cheaply before any pixel is decoded: size in bytes, format from magic bytes,
 * dimensions from the header against the pixel limit, completeness, EXIF orientation, and which
 * decoder should handle it.
 */
public final class ImageProbe {

  private ImageProbe() {}

  public static ImageHeader probe(String source, byte[] bytes, ImageLimits limits) {
    if (bytes == null || bytes.length == 0) {
      throw new ImageException(ImageException.Code.EMPTY, source, "the image is empty (0 bytes)");
    }
    if (bytes.length > limits.maxBytes()) {
      throw new ImageException(
          ImageException.Code.TOO_MANY_BYTES,
          source,
          String.format(
              Locale.ROOT,
              "%,d bytes is more than the %,d allowed",
              bytes.length,
              limits.maxBytes()));
    }
    return switch (FormatSniffer.sniff(source, bytes)) {
      case JPEG -> JpegHeaderReader.read(source, bytes, limits);
      case PNG -> PngHeaderReader.read(source, bytes, limits);
    };
  }
}
