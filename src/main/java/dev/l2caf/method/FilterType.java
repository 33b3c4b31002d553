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

    @Override
    void map(float[] f, float[] u, int height, int width) {
      float norm = norm(f);
      for (int i = 0; i < u.length; i++) {
        u[i] = f[i] / norm;
      }
    }

    @Override
    void pullBack(float[] f, float[] u, float[] du, float[] df, int height, int width) {
      // d(f/|f|) = (du - u <u, du>) / |f|
      float norm = norm(f);
      float along = dot(u, du);
      for (int i = 0; i < df.length; i++) {
        df[i] = (du[i] - u[i] * along) / norm;
      }
    }
  },
  /** u = softmax of f over the H*W cells. */
  SOFTMAX {
    @Override
    Operand<TFloat32> map(Ops tf, Operand<TFloat32> f, int height, int width) {
      Operand<TFloat32> flat = tf.reshape(f, tf.constant(new int[] {-1, height * width}));
      return tf.reshape(tf.nn.softmax(flat), tf.constant(new int[] {-1, height, width}));
    }

    @Override
    void map(float[] f, float[] u, int height, int width) {
      float max = Float.NEGATIVE_INFINITY;
      for (float v : f) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (int i = 0; i < u.length; i++) {
        u[i] = (float) Math.exp(f[i] - max);
        sum += u[i];
      }
      for (int i = 0; i < u.length; i++) {
        u[i] /= (float) sum;
      }
    }

    @Override
    void pullBack(float[] f, float[] u, float[] du, float[] df, int height, int width) {
      float along = dot(u, du);
      for (int i = 0; i < df.length; i++) {
        df[i] = u[i] * (du[i] - along);
      }
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

    @Override
    void map(float[] mean, float[] u, int height, int width) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float dy = y - mean[0];
          float dx = x - mean[1];
          u[y * width + x] = (float) Math.exp(-0.5f * (dy * dy + dx * dx));
        }
      }
    }

    @Override
    void pullBack(float[] mean, float[] u, float[] du, float[] dmean, int height, int width) {
      // du_i / dmean = u_i * (cell_i - mean)
      double row = 0;
      double col = 0;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int i = y * width + x;
          row += du[i] * u[i] * (y - mean[0]);
          col += du[i] * u[i] * (x - mean[1]);
        }
      }
      dmean[0] = (float) row;
      dmean[1] = (float) col;
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

  /** The same map on Java arrays, for one image: {@code u} [H*W] from {@code parameters}. */
  abstract void map(float[] parameters, float[] u, int height, int width);

  /** d loss / d parameters into {@code dParameters}, from the map {@code u} of the parameters and d loss / du. */
  abstract void pullBack(float[] parameters, float[] u, float[] du, float[] dParameters, int height, int width);

  private static float norm(float[] f) {
    return (float) Math.sqrt(dot(f, f));
  }

  private static float dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return (float) sum;
  }

  public static FilterType parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown filter '" + name + "' (l2norm, softmax or gauss)");
    }
  }
}
