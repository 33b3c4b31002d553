package dev.l2caf.model.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.l2caf.TestAssets;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * The converter on small models written here (each op's result against a direct computation of what
 * TFLite's op means), and on broken files: each problem is a {@link ModelException} that says what is
 * wrong.
 */
class TfliteConverterTest {
  private static final int ADD = 0;
  private static final int AVERAGE_POOL_2D = 1;
  private static final int CONV_2D = 3;
  private static final int DEPTHWISE_CONV_2D = 4;
  private static final int LSTM = 16;
  private static final int RESHAPE = 22;
  private static final int SOFTMAX = 25;
  private static final int CUSTOM = 32;
  private static final int MEAN = 40;
  private static final byte RELU = 1;
  private static final byte RELU6 = 3;
  private static final byte TANH = 4;
  private static final byte SAME = 0;
  private static final byte VALID = 1;

  private static byte[] real;

  @BeforeAll
  static void readRealModel() throws IOException {
    real = Files.readAllBytes(TestAssets.SHARED_V2.resolve(TfliteMobileNetTest.TFLITE_FILE));
  }

  private static ModelException failure(byte[] bytes) {
    return assertThrows(ModelException.class, () -> TfliteConverter.convert(ByteBuffer.wrap(bytes), "broken"));
  }

  // --- a small network, op by op --------------------------------------------------------------------

  private static final Random RANDOM = new Random(7);

  private static float[] randoms(int n, double scale) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) ((RANDOM.nextDouble() * 2 - 1) * scale);
    }
    return values;
  }

  private static byte[] randomBytes(int n) {
    byte[] values = new byte[n];
    RANDOM.nextBytes(values);
    return values;
  }

  private static byte[] littleEndianInts(int[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asIntBuffer().put(values);
    return bytes.array();
  }

  private static int conv2dOptions(FlatBufferBuilder fb, byte padding, int stride, int dilation, byte activation) {
    fb.startTable(6);
    fb.addByte(0, padding, 0);
    fb.addInt(1, stride, 0);
    fb.addInt(2, stride, 0);
    fb.addByte(3, activation, 0);
    fb.addInt(4, dilation, 1);
    fb.addInt(5, dilation, 1);
    return fb.endTable();
  }

  @Test
  void smallNetworkComputesWhatEachTfliteOpMeans() {
    float[] x = randoms(6 * 6 * 2, 1);
    // Conv 0: int8 weights [out 3, 3, 3, in 2] with a scale and zero point per output channel; int32 bias.
    byte[] w0 = randomBytes(3 * 3 * 3 * 2);
    float[] w0Scale = {0.01f, 0.02f, 0.005f};
    long[] w0Zero = {0, 3, -2};
    int[] b0 = {100, -50, 7};
    float[] b0Scale = {0.002f, 0.001f, 0.004f};
    // Conv 1: float weights [2, 2, 2, 2], dilation 2, no bias.
    float[] w1 = randoms(2 * 2 * 2 * 2, 0.5);
    // Depthwise: uint8 weights [1, 2, 2, 3 channels * 2], one scale and zero point; float bias.
    byte[] wd = randomBytes(2 * 2 * 6);
    float wdScale = 0.01f;
    long wdZero = 128;
    float[] bd = randoms(6, 0.1);
    float[] added = randoms(6, 0.5);

    TinyTflite model = new TinyTflite();
    FlatBufferBuilder fb = model.builder();
    int input = model.tensor("net/input", TinyTflite.FLOAT32, 1, 6, 6, 2);
    int w0t = model.tensor("net/conv0/weights", TinyTflite.INT8, new int[] {3, 3, 3, 2}, w0, w0Scale, w0Zero, 0);
    int b0t = model.tensor("net/conv0/bias", TinyTflite.INT32, new int[] {3}, littleEndianInts(b0), b0Scale,
        new long[] {0, 0, 0}, 0);
    int a = model.tensor("net/conv0/Relu;net/conv0/BiasAdd;net/conv0/Conv2D", TinyTflite.FLOAT32, 1, 3, 3, 3);
    int w1t = model.constant("net/conv1/weights", new int[] {2, 2, 2, 2}, w1);
    int b = model.tensor("net/conv1/Conv2D", TinyTflite.FLOAT32, 1, 4, 4, 2);
    int wdt = model.tensor("net/dw/weights", TinyTflite.UINT8, new int[] {1, 2, 2, 6}, wd, new float[] {wdScale},
        new long[] {wdZero}, 3);
    int bdt = model.constant("net/dw/bias", new int[] {6}, bd);
    int c = model.tensor("net/dw/Relu6", TinyTflite.FLOAT32, 1, 3, 3, 6);
    int d = model.tensor("net/pool/AvgPool", TinyTflite.FLOAT32, 1, 2, 2, 6);
    int et = model.constant("net/add/y", new int[] {6}, added);
    int f = model.tensor("net/add/Tanh", TinyTflite.FLOAT32, 1, 2, 2, 6);
    int axes = model.ints("net/mean/axes", 1, 2);
    int g = model.tensor("net/mean/Mean", TinyTflite.FLOAT32, 1, 6);
    int h = model.tensor("net/logits", TinyTflite.FLOAT32, 1, 6);
    int p = model.tensor("net/probabilities", TinyTflite.FLOAT32, 1, 6);

    int conv = model.opcode(CONV_2D, null);
    int depthwise = model.opcode(DEPTHWISE_CONV_2D, null);
    int pool = model.opcode(AVERAGE_POOL_2D, null);
    int add = model.opcode(ADD, null);
    int mean = model.opcode(MEAN, null);
    int reshape = model.opcode(RESHAPE, null);
    int softmax = model.opcode(SOFTMAX, null);
    model.operator(conv, new int[] {input, w0t, b0t}, new int[] {a}, 1, conv2dOptions(fb, SAME, 2, 1, RELU));
    model.operator(conv, new int[] {input, w1t, -1}, new int[] {b}, 1, conv2dOptions(fb, VALID, 1, 2, (byte) 0));
    fb.startTable(7);
    fb.addByte(0, SAME, 0);
    fb.addInt(1, 1, 0);
    fb.addInt(2, 1, 0);
    fb.addInt(3, 2, 0);
    fb.addByte(4, RELU6, 0);
    fb.addInt(5, 2, 1);
    fb.addInt(6, 2, 1);
    model.operator(depthwise, new int[] {a, wdt, bdt}, new int[] {c}, 2, fb.endTable());
    fb.startTable(6);
    fb.addByte(0, SAME, 0);
    fb.addInt(1, 2, 0);
    fb.addInt(2, 2, 0);
    fb.addInt(3, 2, 0);
    fb.addInt(4, 2, 0);
    model.operator(pool, new int[] {c}, new int[] {d}, 5, fb.endTable());
    fb.startTable(1);
    fb.addByte(0, TANH, 0);
    model.operator(add, new int[] {d, et}, new int[] {f}, 11, fb.endTable());
    fb.startTable(1);
    fb.addBoolean(0, false, false);
    model.operator(mean, new int[] {f, axes}, new int[] {g}, 27, fb.endTable());
    int newShape = intVector(fb, 1, 6);
    fb.startTable(1);
    fb.addOffset(0, newShape, 0);
    model.operator(reshape, new int[] {g}, new int[] {h}, 17, fb.endTable());
    fb.startTable(1);
    fb.addFloat(0, 1f, 0f);
    model.operator(softmax, new int[] {h}, new int[] {p}, 9, fb.endTable());
    GraphDef graph = TfliteConverter.convert(ByteBuffer.wrap(model.finish(new int[] {input}, new int[] {p, b})), "small");

    // The same network computed directly from TFLite's definitions.
    double[][][] image = nhwc(x, 6, 6, 2);
    double[][][] expectA = conv(image, dequantize(w0, w0Scale, w0Zero, 54 / 3, 0), new double[] {
        b0[0] * b0Scale[0], b0[1] * b0Scale[1], b0[2] * b0Scale[2]}, 3, 3, 2, 1, true);
    expectA = activate(expectA, RELU);
    double[][][] expectB = conv(image, toDoubles(w1), new double[2], 2, 2, 1, 2, false);
    double[] wdReal = dequantize(wd, new float[] {wdScale}, new long[] {wdZero}, 24, 1);
    double[][][] expectC = activate(depthwise(expectA, wdReal, toDoubles(bd), 2, 2, 2), RELU6);
    double[][][] expectD = averagePoolSame(expectC, 2, 2);
    double[] expectG = new double[6];
    for (double[][] row : expectD) {
      for (double[] pixel : row) {
        for (int k = 0; k < 6; k++) {
          expectG[k] += Math.tanh(pixel[k] + added[k]) / 4;
        }
      }
    }
    double[] expectP = softmax(expectG);

    try (Graph tf = new Graph()) {
      tf.importGraphDef(graph);
      try (Session session = new Session(tf);
           TFloat32 in = Tensors.floats(x, 1, 6, 6, 2);
           Result result = session.runner().feed(TfliteConverter.INPUT, in)
               .fetch("net/conv0/Relu").fetch("net/conv1/Conv2D").fetch("net/probabilities").fetch("net/logits")
               .run()) {
        assertClose(flatten(expectA), Tensors.values(result.get(0)), "conv 0 (int8 per channel, SAME, stride 2, RELU)");
        assertClose(flatten(expectB), Tensors.values(result.get(1)), "conv 1 (float, VALID, dilation 2, no bias)");
        assertClose(expectP, Tensors.values(result.get(2)),
            "probabilities (depthwise x2 dilated, pool, add, tanh, mean, softmax)");
        assertClose(expectG, Tensors.values(result.get(3)), "logits");
      }
    }
  }

  private static int intVector(FlatBufferBuilder fb, int... values) {
    fb.startVector(4, values.length, 4);
    for (int i = values.length - 1; i >= 0; i--) {
      fb.addInt(values[i]);
    }
    return fb.endVector();
  }

  private static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5 + 1e-5 * Math.abs(expected[i]), what + " element " + i);
    }
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** {@code scale[c] * (q - zero[c])}, c = i / perChannel; {@code signed} int8 or else uint8. */
  private static double[] dequantize(byte[] q, float[] scale, long[] zero, int perChannel, int signedness) {
    double[] out = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      int channel = scale.length == 1 ? 0 : i / perChannel;
      int value = signedness == 0 ? q[i] : q[i] & 0xff;
      out[i] = scale[channel] * (double) (value - zero[channel]);
    }
    return out;
  }

  private static double[][][] nhwc(float[] values, int height, int width, int channels) {
    double[][][] out = new double[height][width][channels];
    for (int i = 0; i < values.length; i++) {
      out[i / (width * channels)][i / channels % width][i % channels] = values[i];
    }
    return out;
  }

  private static double[] flatten(double[][][] image) {
    return Arrays.stream(image).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
  }

  /** Padding before the first row or column: SAME pads (total / 2) before, the rest after; VALID none. */
  private static int padBefore(int in, int out, int stride, int effectiveKernel) {
    return Math.max((out - 1) * stride + effectiveKernel - in, 0) / 2;
  }

  /** Conv2D on [h][w][c] with a TFLite filter [out][kh][kw][in], row-major. */
  private static double[][][] conv(double[][][] in, double[] filter, double[] bias, int outChannels, int kernel,
      int stride, int dilation, boolean same) {
    int size = in.length;
    int channels = in[0][0].length;
    int effective = (kernel - 1) * dilation + 1;
    int out = same ? (size + stride - 1) / stride : (size - effective) / stride + 1;
    int pad = same ? padBefore(size, out, stride, effective) : 0;
    double[][][] result = new double[out][out][outChannels];
    for (int y = 0; y < out; y++) {
      for (int x = 0; x < out; x++) {
        for (int o = 0; o < outChannels; o++) {
          double sum = bias[o];
          for (int ky = 0; ky < kernel; ky++) {
            for (int kx = 0; kx < kernel; kx++) {
              int iy = y * stride - pad + ky * dilation;
              int ix = x * stride - pad + kx * dilation;
              if (iy < 0 || ix < 0 || iy >= size || ix >= size) {
                continue;
              }
              for (int i = 0; i < channels; i++) {
                sum += in[iy][ix][i] * filter[((o * kernel + ky) * kernel + kx) * channels + i];
              }
            }
          }
          result[y][x][o] = sum;
        }
      }
    }
    return result;
  }

  /** Depthwise SAME stride 1 with a TFLite filter [1][kh][kw][c * m]: output channel c * m + j reads channel c. */
  private static double[][][] depthwise(double[][][] in, double[] filter, double[] bias, int kernel, int multiplier,
      int dilation) {
    int size = in.length;
    int channels = in[0][0].length;
    int outChannels = channels * multiplier;
    int pad = padBefore(size, size, 1, (kernel - 1) * dilation + 1);
    double[][][] result = new double[size][size][outChannels];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (int o = 0; o < outChannels; o++) {
          double sum = bias[o];
          for (int ky = 0; ky < kernel; ky++) {
            for (int kx = 0; kx < kernel; kx++) {
              int iy = y - pad + ky * dilation;
              int ix = x - pad + kx * dilation;
              if (iy >= 0 && ix >= 0 && iy < size && ix < size) {
                sum += in[iy][ix][o / multiplier] * filter[(ky * kernel + kx) * outChannels + o];
              }
            }
          }
          result[y][x][o] = sum;
        }
      }
    }
    return result;
  }

  /** SAME average pooling: the mean over the window's pixels inside the image. */
  private static double[][][] averagePoolSame(double[][][] in, int kernel, int stride) {
    int size = in.length;
    int channels = in[0][0].length;
    int out = (size + stride - 1) / stride;
    int pad = padBefore(size, out, stride, kernel);
    double[][][] result = new double[out][out][channels];
    for (int y = 0; y < out; y++) {
      for (int x = 0; x < out; x++) {
        int count = 0;
        for (int ky = 0; ky < kernel; ky++) {
          for (int kx = 0; kx < kernel; kx++) {
            int iy = y * stride - pad + ky;
            int ix = x * stride - pad + kx;
            if (iy >= 0 && ix >= 0 && iy < size && ix < size) {
              count++;
              for (int k = 0; k < channels; k++) {
                result[y][x][k] += in[iy][ix][k];
              }
            }
          }
        }
        for (int k = 0; k < channels; k++) {
          result[y][x][k] /= count;
        }
      }
    }
    return result;
  }

  private static double[][][] activate(double[][][] image, byte activation) {
    for (double[][] row : image) {
      for (double[] pixel : row) {
        for (int k = 0; k < pixel.length; k++) {
          pixel[k] = activation == RELU6 ? Math.min(Math.max(pixel[k], 0), 6) : Math.max(pixel[k], 0);
        }
      }
    }
    return image;
  }

  private static double[] softmax(double[] logits) {
    double max = Arrays.stream(logits).max().orElseThrow();
    double[] e = Arrays.stream(logits).map(l -> Math.exp(l - max)).toArray();
    double sum = Arrays.stream(e).sum();
    return Arrays.stream(e).map(v -> v / sum).toArray();
  }

  // --- unsupported models --------------------------------------------------------------------------

  @Test
  void unsupportedOperatorIsNamedWithItsPositionAndTheSupportedOnes() {
    TinyTflite model = new TinyTflite();
    int in = model.tensor("in", TinyTflite.FLOAT32, 1, 4, 4, 3);
    int mid = model.tensor("mid", TinyTflite.FLOAT32, 1, 4, 4, 3);
    int out = model.tensor("out", TinyTflite.FLOAT32, 1, 4);
    model.operator(model.opcode(ADD, null), new int[] {in, in}, new int[] {mid}, 0, 0);
    model.operator(model.opcode(LSTM, null), new int[] {mid}, new int[] {out}, 0, 0);
    ModelException e = failure(model.finish(new int[] {in}, new int[] {out}));
    assertTrue(e.getMessage().startsWith("model broken: TFLite operator LSTM (builtin 16) at operator 1 is not supported;"),
        e.getMessage());
    assertTrue(e.getMessage().contains("supported: ADD, AVERAGE_POOL_2D, CONV_2D"), e.getMessage());
  }

  @Test
  void customOperatorIsNamedByItsCustomCode() {
    TinyTflite model = new TinyTflite();
    int in = model.tensor("in", TinyTflite.FLOAT32, 1, 4);
    int out = model.tensor("out", TinyTflite.FLOAT32, 1, 4);
    model.operator(model.opcode(CUSTOM, "TFLite_Detection_PostProcess"), new int[] {in}, new int[] {out}, 0, 0);
    ModelException e = failure(model.finish(new int[] {in}, new int[] {out}));
    assertTrue(e.getMessage().contains("TFLite custom operator 'TFLite_Detection_PostProcess' at operator 0 is not supported"),
        e.getMessage());
  }

  @Test
  void unsupportedFusedActivationIsNamed() {
    TinyTflite model = new TinyTflite();
    int in = model.tensor("in", TinyTflite.FLOAT32, 1, 4);
    int out = model.tensor("out", TinyTflite.FLOAT32, 1, 4);
    int add = model.opcode(ADD, null);
    FlatBufferBuilder fb = model.builder();
    fb.startTable(1);
    fb.addByte(0, (byte) 5, 0); // SIGN_BIT
    model.operator(add, new int[] {in, in}, new int[] {out}, 11, fb.endTable());
    ModelException e = failure(model.finish(new int[] {in}, new int[] {out}));
    assertTrue(e.getMessage().contains("operator 0 (ADD) has fused activation SIGN_BIT"), e.getMessage());
  }

  // --- broken files --------------------------------------------------------------------------------

  @Test
  void bytesThatAreNoTfliteModelAreNamedSo() {
    assertTrue(failure(new byte[0]).getMessage().contains("too few for a flatbuffer header"));
    String text = failure("name: a manifest\n".getBytes()).getMessage();
    assertTrue(text.startsWith("model broken: not a valid TFLite model"), text);
    assertTrue(text.contains("no TFLite identifier \"TFL3\" at bytes 4-7 (found \": a \")"), text);
    byte[] otherIdentifier = real.clone();
    otherIdentifier[7] = '2';
    assertTrue(failure(otherIdentifier).getMessage().contains("(found \"TFL2\")"));
    byte[] random = randomBytes(5000);
    System.arraycopy("TFL3".getBytes(), 0, random, 4, 4);
    assertTrue(failure(random).getMessage().contains("not a valid TFLite model"));
  }

  @Test
  void truncatedFileIsNamedCorruptOrTruncated() {
    for (int length : List.of(7, 8, 64, 4096, real.length / 2, real.length - 300_000)) {
      ModelException e = failure(Arrays.copyOf(real, length));
      assertTrue(e.getMessage().startsWith("model broken: not a valid TFLite model (corrupt or truncated file?): "),
          length + ": " + e.getMessage());
      System.out.println(length + " bytes: " + e.getMessage());
    }
  }

  @Test
  void corruptTablesGiveAModelExceptionOrAGraph() {
    final int trials = 12;
    Random random = new Random(42);
    // The converter writes the weights first; the subgraph's tables and the operator codes fill about the
    // last 520 KB of this file.
    int tables = real.length - 520_000;
    int failures = 0;
    for (int trial = 0; trial < trials; trial++) {
      byte[] corrupt = real.clone();
      for (int i = 0; i < 8; i++) {
        corrupt[tables + random.nextInt(real.length - tables)] = (byte) random.nextInt(256);
      }
      try {
        TfliteConverter.convert(ByteBuffer.wrap(corrupt), "broken");
      } catch (ModelException e) {
        failures++;
      }
    }
    System.out.println(failures + " of " + trials + " corrupted files failed with a ModelException, the others converted");
  }
}
