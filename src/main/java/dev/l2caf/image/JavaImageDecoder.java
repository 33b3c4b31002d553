package dev.l2caf.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes any accepted image with ImageIO (TwelveMonkeys adds CMYK/YCCK, lossless and arithmetic
 * JPEG) into display oriented RGB. Slower than TensorFlow's decoder; the pipeline uses it for what
 * that one cannot handle.
 */
public final class JavaImageDecoder {

  private static final Logger log = LoggerFactory.getLogger(JavaImageDecoder.class);

  private JavaImageDecoder() {}

  public static RgbImage decode(String source, byte[] bytes, ImageHeader header) {
    BufferedImage image = read(source, bytes, header.format());
    return Orientation.apply(RgbImage.from(image), header.orientation());
  }

  private static BufferedImage read(String source, byte[] bytes, ImageFormat format) {
    ImageReader reader = reader(format);
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
    BufferedImage image;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      // Bad data comes as IIOException, but also as assorted RuntimeExceptions.
      throw new ImageException(
          ImageException.Code.CORRUPT,
          source,
          "corrupt or truncated " + format + " (" + reasonOf(e) + ")",
          e);
    } finally {
      reader.dispose();
    }
    for (String warning : warnings) {
      // The JDK reader fills missing data with gray and only warns: not the uploaded picture.
      if (isTruncation(warning)) {
        throw new ImageException(
            ImageException.Code.CORRUPT,
            source,
            "corrupt or truncated " + format + " (" + warning + ")");
      }
      log.debug("{}: decoded despite a warning: {}", source, warning);
    }
    return image;
  }

  private static boolean isTruncation(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("premature end") || w.contains("truncated") || w.contains("missing eoi");
  }

  private static String reasonOf(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static ImageReader reader(ImageFormat format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name());
    if (!readers.hasNext()) {
      throw new IllegalStateException("no ImageIO reader for " + format);
    }
    return readers.next();
  }
}
