package dev.l2caf.method;

import java.util.Arrays;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What the filter is optimized for. Each variant has a per-image loss of the filtered logits z' and an
 * "objective" row fed with each image: the loss weights, or the unfiltered logits to keep.
 */
public enum Variant {
  /** Make the target class win: loss = sum_j w_j z'_j with w_t = -1 and w_j = +1 for every other j. */
  CLASS_SPECIFIC {
    @Override
    Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> weights) {
      return tf.reduceSum(tf.math.mul(logits, weights), tf.constant(1));
    }

    @Override
    public float[] objective(int target, float[] logits) {
      float[] weights = new float[logits.length];
      Arrays.fill(weights, 1f);
      weights[target] = -1f;
      return weights;
    }
  },
  /** Keep the network's output: loss = mean_j (z_j - z'_j)^2. */
  CLASS_OBLIVIOUS {
    @Override
    Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> reference) {
      return tf.math.mean(tf.math.square(tf.math.sub(reference, logits)), tf.constant(1));
    }

    @Override
    public float[] objective(int target, float[] logits) {
      return logits.clone();
    }
  };

  /** Per-image loss [N] of filtered logits [N, K] given the objective rows [N, K]. */
  abstract Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> objective);

  /** The objective row of one image: {@code target} is ignored by the class-oblivious variant. */
  public abstract float[] objective(int target, float[] logits);

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Variant parse(String name) {
    for (Variant v : values()) {
      if (v.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown variant '" + name + "' (class-specific or class-oblivious)");
  }
}
