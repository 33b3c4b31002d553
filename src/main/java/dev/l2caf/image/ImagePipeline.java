package dev.l2caf.image;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns uploaded bytes into model input. JPEGs that TensorFlow decodes well are decoded inside
 * TensorFlow, at a reduced DCT scale when the model input is much smaller (several times faster
 * than ImageIO plus Java2D); everything else is decoded (and oriented) by {@link JavaImageDecoder}
 * and goes through the same fit, resize and normalization. Thread-safe: prepare may be called from
 * several threads at once.
 */
public final class ImagePipeline implements AutoCloseable {

  private final InputSpec spec;
  private final ImageLimits limits;
  private final PreprocessGraph graph;
  private final AtomicBoolean closed = new AtomicBoolean();

  public ImagePipeline(InputSpec spec, ImageLimits limits) {
    this.spec = spec;
    this.limits = limits;
    this.graph = new PreprocessGraph(spec);
  }

  /**
   * @param keepOriginal also return the full-size display-oriented image (for overlays); the model
   *     input is the same either way
   * @throws ImageException when the bytes are not an acceptable image
   */
  public PreparedImage prepare(String source, byte[] bytes, boolean keepOriginal) {
    if (closed.get()) {
      throw new IllegalStateException("image pipeline is closed");
    }
    ImageHeader header = ImageProbe.probe(source, bytes, limits);
    if (header.tensorflowDecodable()) {
      // The model input always comes from the smallest sufficient decode, so it does not depend on
      // keepOriginal; a full-size original for overlays is a second, ratio-1 decode.
      int ratio = dctRatio(header, spec);
      boolean originalInSameDecode = keepOriginal && ratio == 1;
      Optional<PreprocessGraph.Prepared> prepared =
          graph.fromJpeg(source, bytes, header.orientation(), ratio, originalInSameDecode);
      if (prepared.isPresent()) {
        RgbImage original = null;
        if (originalInSameDecode) {
          original = prepared.get().oriented();
        } else if (keepOriginal) {
          original = graph.originalFromJpeg(source, bytes, header.orientation())
              .orElseGet(() -> JavaImageDecoder.decode(source, bytes, header));
        }
        return new PreparedImage(
            source, header.displayWidth(), header.displayHeight(), prepared.get().modelInput(), original);
      }
      // TensorFlow refused it (logged at debug): the Java decoder gets its chance.
    }
    RgbImage image = JavaImageDecoder.decode(source, bytes, header);
    return new PreparedImage(
        source, image.width(), image.height(), graph.fromRgb(image), keepOriginal ? image : null);
  }

  /**
   * The largest DCT scale-down (1, 2, 4 or 8) after which the image still covers the input in both
   * dimensions (libjpeg rounds the scaled size up), so that the resize never enlarges what it could
   * have decoded sharper.
   */
  static int dctRatio(int width, int height, int inputWidth, int inputHeight) {
    int best = 1;
    for (int ratio : PreprocessGraph.DCT_RATIOS) {
      if (ceilDiv(width, ratio) >= inputWidth && ceilDiv(height, ratio) >= inputHeight) {
        best = ratio;
      }
    }
    return best;
  }

  private static int dctRatio(ImageHeader header, InputSpec spec) {
    return dctRatio(header.displayWidth(), header.displayHeight(), spec.width(), spec.height());
  }

  private static int ceilDiv(int value, int divisor) {
    return (value + divisor - 1) / divisor;
  }

  public InputSpec spec() {
    return spec;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      graph.close();
    }
  }
}
