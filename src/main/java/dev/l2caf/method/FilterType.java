package dev.l2caf.method;

import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * How a filter's free parameters become the spatial map {@code u} that multiplies the feature map
 * (one value per cell, shared by all channels), as in the reference implementation.
 */
public enum FilterType {
  /** The paper's filter: u = f / ||f||_2, a point on the unit sphere. */
  L2NORM {
    @Override
    Operand<TFloat32> map(Ops tf, Operand<TFloat32> f, int height, int width) {
      Operand<TFloat32> norm = tf.math.sqrt(tf.reduceSum(tf.math.square(f), tf.constant(new int[] {1, 2}),
          ReduceSum.keepDims(true)));
      return tf.math.div(f, norm);
    }
  },
  /** u = softmax of f over the H*W cells. */
  SOFTMAX {
    @Override
    Operand<TFloat32> map(Ops tf, Operand<TFloat32> f, int height, int width) {
      Operand<TFloat32> flat = tf.reshape(f, tf.constant(new int[] {-1, height * width}));
      return tf.reshape(tf.nn.softmax(flat), tf.constant(new int[] {-1, height, width}));
    }
  },
  /**
   * A 2-D Gaussian with unit covariance whose mean (row, column) is optimized. The reference fixes 7x7
   * maps; this one works for any size.
   */
  GAUSS {
    @Override
    long[] parameterShape(int height, int width) {
      return new long[] {2};
    }

    @Override
    float[] initialParameters(int height, int width, long seed) {
      Random random = new Random(seed);
      return new float[] {
        (float) ((height - 1) / 2.0 + random.nextGaussian()), (float) ((width - 1) / 2.0 + random.nextGaussian())
      };
    }

    @Override
    Operand<TFloat32> map(Ops tf, Operand<TFloat32> mean, int height, int width) {
      float[][][] rows = new float[1][height][width];
      float[][][] cols = new float[1][height][width];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          rows[0][y][x] = y;
          cols[0][y][x] = x;
        }
      }
      Operand<TFloat32> meanRow = tf.reshape(
          tf.reduceSum(tf.math.mul(mean, tf.constant(new float[] {1, 0})), tf.constant(1)), tf.constant(new int[] {-1, 1, 1}));
      Operand<TFloat32> meanCol = tf.reshape(
          tf.reduceSum(tf.math.mul(mean, tf.constant(new float[] {0, 1})), tf.constant(1)), tf.constant(new int[] {-1, 1, 1}));
      Operand<TFloat32> distance = tf.math.add(
          tf.math.square(tf.math.sub(tf.constant(rows), meanRow)), tf.math.square(tf.math.sub(tf.constant(cols), meanCol)));
      return tf.math.exp(tf.math.mul(distance, tf.constant(-0.5f)));
    }
  };

  /** The shape of one image's parameters. */
  long[] parameterShape(int height, int width) {
    return new long[] {height, width};
  }

  /** Standard-normal initial parameters, the same for every image for a given seed. */
  float[] initialParameters(int height, int width, long seed) {
    Random random = new Random(seed);
    float[] f = new float[height * width];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) random.nextGaussian();
    }
    return f;
  }

  /** The filter map u [N, H, W] from the parameters [N, ...parameterShape]. */
  abstract Operand<TFloat32> map(Ops tf, Operand<TFloat32> parameters, int height, int width);

  public static FilterType parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown filter '" + name + "' (l2norm, softmax or gauss)");
    }
  }
}
