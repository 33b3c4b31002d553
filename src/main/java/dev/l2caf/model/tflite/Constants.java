package dev.l2caf.model.tflite;

import dev.l2caf.model.tflite.Schema.QuantizationParameters;
import dev.l2caf.model.tflite.Schema.TensorType;
import java.nio.ByteBuffer;

/**
 * The values of a constant TFLite tensor in float: quantized weights and biases are dequantized
 * (per tensor or per channel), so the converted graph computes in float throughout.
 */
final class Constants {
  private Constants() {}

  /**
   * {@code real = scale[c] * (q - zero_point[c])}, c the index along the quantized dimension (a single
   * scale and zero point apply to the whole tensor).
   */
  static float[] floats(String tensor, byte type, int[] shape, ByteBuffer data, QuantizationParameters quantization) {
    if (type != TensorType.FLOAT32 && type != TensorType.INT8 && type != TensorType.UINT8 && type != TensorType.INT32) {
      throw new UnsupportedTfliteException("constant tensor " + tensor + " has type " + TensorType.name(type)
          + "; constants of type FLOAT32, or INT8, UINT8 and INT32 with quantization parameters are supported");
    }
    int count = elementCount(tensor, shape, data, type);
    float[] values = new float[count];
    if (type == TensorType.FLOAT32) {
      data.asFloatBuffer().get(values);
      return values;
    }
    if (quantization == null || quantization.scale().length == 0 || quantization.detailsType() != 0) {
      throw new UnsupportedTfliteException("constant tensor " + tensor + " of type " + TensorType.name(type)
          + " has no scale and zero point to make floats of");
    }
    float[] scale = quantization.scale();
    long[] zeroPoint = quantization.zeroPoint();
    int dimension = quantization.quantizedDimension();
    int channels = scale.length;
    // Elements between consecutive channels along the quantized dimension.
    int inner = 1;
    if (channels > 1) {
      if (dimension < 0 || dimension >= shape.length || shape[dimension] != channels) {
        throw new MalformedTfliteException("tensor " + tensor + " has " + channels + " scales along dimension "
            + dimension + " of shape " + java.util.Arrays.toString(shape));
      }
      for (int d = dimension + 1; d < shape.length; d++) {
        inner *= shape[d];
      }
    }
    if (zeroPoint.length != 0 && zeroPoint.length != 1 && zeroPoint.length != channels) {
      throw new MalformedTfliteException("tensor " + tensor + " has " + zeroPoint.length + " zero points for "
          + channels + " scales");
    }
    for (int i = 0; i < count; i++) {
      int channel = channels == 1 ? 0 : (i / inner) % channels;
      long zero = zeroPoint.length == 0 ? 0 : zeroPoint[zeroPoint.length == 1 ? 0 : channel];
      long q = switch (type) {
        case TensorType.INT8 -> data.get(i);
        case TensorType.UINT8 -> Byte.toUnsignedInt(data.get(i));
        default -> data.getInt(4 * i);
      };
      values[i] = (float) ((q - zero) * (double) scale[channel]);
    }
    return values;
  }

  /** The values of a plain INT32 tensor (shapes, axes). */
  static int[] ints(String tensor, byte type, int[] shape, ByteBuffer data) {
    if (type != TensorType.INT32) {
      throw new UnsupportedTfliteException("constant tensor " + tensor + " has type " + TensorType.name(type)
          + " where INT32 is supported");
    }
    int[] values = new int[elementCount(tensor, shape, data, type)];
    data.asIntBuffer().get(values);
    return values;
  }

  private static int elementCount(String tensor, int[] shape, ByteBuffer data, byte type) {
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new MalformedTfliteException("constant tensor " + tensor + " has a negative dimension");
      }
      count *= d;
      if (count > Integer.MAX_VALUE) {
        throw new MalformedTfliteException("constant tensor " + tensor + " has more than 2^31 elements");
      }
    }
    int bytes = switch (type) {
      case TensorType.INT8, TensorType.UINT8 -> 1;
      case TensorType.INT64 -> 8;
      default -> 4;
    };
    if (count * bytes != data.remaining()) {
      throw new MalformedTfliteException("constant tensor " + tensor + " of shape " + java.util.Arrays.toString(shape)
          + " and type " + TensorType.name(type) + " needs " + count * bytes + " bytes, its buffer has "
          + data.remaining());
    }
    return (int) count;
  }
}
