package dev.l2caf.image;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import dev.l2caf.model.SessionConfigs;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * A small TensorFlow graph that turns an image into model input: decode (JPEG bytes, at a DCT scale
 * ratio) or take decoded RGB, orient, fit (squash or center crop) and resize bilinearly with
 * half-pixel centers; then, in Java while copying out, reorder channels, scale and offset.
 *
 * <p>DecodeJpeg's ratio is an attribute, so there is one decode op per ratio, each feeding an
 * upright chain and an oriented one (transpose and reverse cost 0.2 ms per image on two cores, and
 * almost all photos need neither). All chains are built up front: a graph must not change while
 * other threads run it. Normalization is not in the graph because TensorFlow's broadcasting
 * multiply and add took 0.35 ms where the Java loop takes a few microseconds.
 */
final class PreprocessGraph implements AutoCloseable {

  static final int[] DCT_RATIOS = {1, 2, 4, 8};

  private static final Logger log = LoggerFactory.getLogger(PreprocessGraph.class);

  /** The two ends of a chain: the oriented uint8 image and its resized float version. */
  private record Chain(Output<TUint8> oriented, Output<TFloat32> resized) {}

  /** One run's results; each is null unless it was asked for. */
  record Prepared(float[] modelInput, RgbImage oriented) {}

  private final InputSpec spec;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TString> jpeg;
  private final Placeholder<TInt32> permutation;
  private final Placeholder<TInt32> reversedAxes;
  private final Placeholder<TUint8> rgb;
  private final Map<Integer, Chain> uprightJpeg;
  private final Map<Integer, Chain> orientedJpeg;
  private final Chain rgbChain;

  PreprocessGraph(InputSpec spec) {
    this.spec = spec;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      jpeg = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      permutation = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(3)));
      reversedAxes = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
      rgb =
          tf.placeholder(
              TUint8.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE, 3)));
      Map<Integer, Chain> upright = new HashMap<>();
      Map<Integer, Chain> oriented = new HashMap<>();
      for (int ratio : DCT_RATIOS) {
        DecodeJpeg decoded =
            tf.image.decodeJpeg(jpeg, DecodeJpeg.channels(3L), DecodeJpeg.ratio((long) ratio));
        upright.put(ratio, chain(tf, decoded, spec));
        Operand<TUint8> turned =
            tf.reverse(tf.linalg.transpose(decoded, permutation), reversedAxes);
        oriented.put(ratio, chain(tf, turned, spec));
      }
      uprightJpeg = Map.copyOf(upright);
      orientedJpeg = Map.copyOf(oriented);
      // The Java decoder has already oriented its image.
      rgbChain = chain(tf, rgb, spec);
      session = new Session(graph, SessionConfigs.standard());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  private static Chain chain(Ops tf, Operand<TUint8> oriented, InputSpec spec) {
    Operand<TUint8> fitted =
        spec.resizeMode() == ResizeMode.CENTER_CROP ? centerCrop(tf, oriented, spec) : oriented;
    Operand<TFloat32> resized =
        tf.image.resizeBilinear(
            tf.expandDims(fitted, tf.constant(0)),
            tf.constant(new int[] {spec.height(), spec.width()}),
            ResizeBilinear.halfPixelCenters(true));
    return new Chain(oriented.asOutput(), resized.asOutput());
  }

  /**
   * The largest centered window with the input's aspect ratio, computed in the graph from the
   * decoded shape (64-bit, so width * input height cannot overflow).
   */
  private static Operand<TUint8> centerCrop(Ops tf, Operand<TUint8> image, InputSpec spec) {
    Operand<TInt64> shape = tf.shape(image, TInt64.class);
    Operand<TInt64> h = tf.gather(shape, tf.constant(0), tf.constant(0));
    Operand<TInt64> w = tf.gather(shape, tf.constant(1), tf.constant(0));
    Operand<TInt64> inW = tf.constant((long) spec.width());
    Operand<TInt64> inH = tf.constant((long) spec.height());
    Operand<TInt64> one = tf.constant(1L);
    Operand<TInt64> two = tf.constant(2L);
    Operand<TInt64> cropH =
        tf.math.maximum(one, tf.math.minimum(h, tf.math.floorDiv(tf.math.mul(w, inH), inW)));
    Operand<TInt64> cropW =
        tf.math.maximum(one, tf.math.minimum(w, tf.math.floorDiv(tf.math.mul(h, inW), inH)));
    Operand<TInt64> top = tf.math.floorDiv(tf.math.sub(h, cropH), two);
    Operand<TInt64> left = tf.math.floorDiv(tf.math.sub(w, cropW), two);
    Operand<TInt64> begin = tf.stack(List.of(top, left, tf.constant(0L)));
    Operand<TInt64> size = tf.stack(List.of(cropH, cropW, tf.constant(-1L)));
    return tf.slice(image, begin, size);
  }

  /**
   * Decodes JPEG bytes in TensorFlow at 1/ratio scale, orients and prepares them; empty when
   * TensorFlow cannot decode the bytes.
   *
   * @param source names the image in the log
   */
  Optional<Prepared> fromJpeg(
      String source, byte[] bytes, int orientation, int ratio, boolean keepOriented) {
    return decodeJpeg(source, bytes, orientation, ratio, true, keepOriented);
  }

  /**
   * Only the full-size oriented image, for overlays whose model input came from a smaller decode: nothing is
   * resized or copied out for a model input that would be thrown away.
   */
  Optional<RgbImage> originalFromJpeg(String source, byte[] bytes, int orientation) {
    return decodeJpeg(source, bytes, orientation, 1, false, true).map(Prepared::oriented);
  }

  /** TensorFlow runs only what is fetched: the model input, the oriented image, or both. */
  private Optional<Prepared> decodeJpeg(String source, byte[] bytes, int orientation, int ratio,
      boolean wantInput, boolean wantOriented) {
    if (!uprightJpeg.containsKey(ratio)) {
      throw new IllegalArgumentException("DCT ratio must be 1, 2, 4 or 8: " + ratio);
    }
    boolean upright = orientation == 1;
    Chain chain = upright ? uprightJpeg.get(ratio) : orientedJpeg.get(ratio);
    try (TString encoded = TString.tensorOfBytes(NdArrays.scalarOfObject(bytes));
        TInt32 perm = TInt32.vectorOf(Orientation.permutation(orientation));
        TInt32 axes = TInt32.vectorOf(Orientation.reversedAxes(orientation))) {
      Session.Runner runner = session.runner().feed(jpeg, encoded);
      if (!upright) {
        runner.feed(permutation, perm).feed(reversedAxes, axes);
      }
      if (wantInput) {
        runner.fetch(chain.resized());
      }
      if (wantOriented) {
        runner.fetch(chain.oriented());
      }
      try (Result result = run(runner)) {
        float[] input = wantInput ? modelInput(result.get(0)) : null;
        RgbImage oriented = wantOriented ? rgbImage(result.get(wantInput ? 1 : 0)) : null;
        return Optional.of(new Prepared(input, oriented));
      }
    } catch (OpFailed e) {
      log.debug("{}: TensorFlow could not decode it: {}", source, e.getMessage());
      return Optional.empty();
    }
  }

  /** Prepares an image the Java decoder produced (already oriented). */
  float[] fromRgb(RgbImage image) {
    try (TUint8 pixels = image.toTensor();
        Result result = run(session.runner().feed(rgb, pixels).fetch(rgbChain.resized()))) {
      return modelInput(result.get(0));
    } catch (OpFailed e) {
      // Valid RGB cannot fail here; if it does, it is our bug, not the upload's.
      String size = image.width() + "x" + image.height();
      throw new IllegalStateException("preprocessing a decoded " + size + " image failed", e);
    }
  }

  /** An op failed at run time, for whatever reason TensorFlow gave. */
  private static final class OpFailed extends Exception {
    OpFailed(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * TensorFlow Java reports op failures as TensorFlowException, except invalid arguments (an
   * IllegalArgumentException subclass) and unimplemented ops (an UnsupportedOperationException
   * subclass).
   */
  private static Result run(Session.Runner runner) throws OpFailed {
    try {
      return runner.run();
    } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
      throw new OpFailed(e);
    }
  }

  /** Reads resized RGB in 0..255 and applies the spec's channel order, scale and offset. */
  private float[] modelInput(Tensor resized) {
    float[] values = new float[spec.inputLength()];
    resized.asRawTensor().data().asFloats().read(values);
    float[] scale = spec.scale();
    float[] offset = spec.offset();
    boolean bgr = spec.channelOrder() == ChannelOrder.BGR;
    for (int i = 0; i < values.length; i += 3) {
      float r = values[i];
      float b = values[i + 2];
      values[i] = (bgr ? b : r) * scale[0] + offset[0];
      values[i + 1] = values[i + 1] * scale[1] + offset[1];
      values[i + 2] = (bgr ? r : b) * scale[2] + offset[2];
    }
    return values;
  }

  private static RgbImage rgbImage(Tensor tensor) {
    Shape shape = tensor.shape();
    byte[] bytes = new byte[Math.toIntExact(shape.size())];
    tensor.asRawTensor().data().read(bytes);
    return new RgbImage((int) shape.get(1), (int) shape.get(0), bytes);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
