package dev.l2caf.model;

import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Copies between Java arrays and float tensors; callers own (and close) the tensors. */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 floats(float[] values, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  /** Stacks equally sized arrays along a new first dimension. */
  public static TFloat32 stack(List<float[]> rows, long... rowShape) {
    int size = rows.get(0).length;
    float[] all = new float[rows.size() * size];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, all, i * size, size);
    }
    long[] shape = new long[rowShape.length + 1];
    shape[0] = rows.size();
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    return floats(all, shape);
  }

  public static float[] values(Tensor tensor) {
    TFloat32 t = (TFloat32) tensor;
    float[] out = new float[(int) t.shape().size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }

  /** A [N, K] tensor as N rows. */
  public static float[][] matrix(Tensor tensor) {
    long[] shape = tensor.shape().asArray();
    float[] flat = values(tensor);
    int rows = (int) shape[0];
    int cols = rows == 0 ? 0 : flat.length / rows;
    float[][] out = new float[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, out[i], 0, cols);
    }
    return out;
  }
}
