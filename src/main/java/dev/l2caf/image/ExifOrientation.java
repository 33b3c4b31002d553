package dev.l2caf.image;

import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the orientation tag from a JPEG's APP1 EXIF payload. A broken EXIF block never fails the
 * image.
 */
final class ExifOrientation {

  private static final Logger log = LoggerFactory.getLogger(ExifOrientation.class);
  private static final int NONE = 1;

  private ExifOrientation() {}

  /**
   * @param app1 the APP1 payload starting with "Exif\0\0", or null when the image has none
   */
  static int read(String source, byte[] app1) {
    if (app1 == null) {
      return NONE;
    }
    try {
      Metadata metadata = new Metadata();
      new ExifReader().readJpegSegments(List.of(app1), metadata, JpegSegmentType.APP1);
      ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
      Integer value = ifd0 == null ? null : ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
      if (value == null) {
        if (metadata.hasErrors()) {
          log.debug("{}: unreadable EXIF block, assuming no orientation", source);
        }
        return NONE;
      }
      if (value < 1 || value > 8) {
        log.debug("{}: EXIF orientation {} out of range, ignoring it", source, value);
        return NONE;
      }
      return value;
    } catch (RuntimeException e) {
      log.debug("{}: unreadable EXIF block, assuming no orientation", source, e);
      return NONE;
    }
  }
}
