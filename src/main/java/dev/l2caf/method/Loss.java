package dev.l2caf.method;

import java.util.Arrays;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A per-image loss of the filtered logits z' [K] and an objective row fed with each image (loss weights, or
 * the unfiltered logits to keep). Each loss is defined twice, side by side: as TensorFlow ops for the solvers
 * that replay the head, and as value and gradient on Java arrays for the {@link CollapsedSolver}.
 *
 * <p>Class-specific losses put -1 at the target class of their objective row (see
 * {@link FilterProblem#targets()}); {@link #KEEP_OUTPUT} is the class-oblivious variant's loss.
 */
public enum Loss {
  /** The paper's loss: -z_t + sum_{j != t} z_j (weights w_t = -1, w_j = +1). */
  REFERENCE(true) {
    @Override
    public float[] objective(int target, float[] logits) {
      return weights(logits.length, target, 1f);
    }
  },
  /** -z_t + (1 / (K - 1)) sum_{j != t} z_j: the others' mean instead of their sum. */
  MEAN_OTHERS(true) {
    @Override
    public float[] objective(int target, float[] logits) {
      return weights(logits.length, target, 1f / (logits.length - 1));
    }
  },
  /** -log softmax(z')_t, the cross-entropy of the target class (objective: w_t = -1, w_j = 0). */
  SOFTMAX(false) {
    @Override
    public float[] objective(int target, float[] logits) {
      return weights(logits.length, target, 0f);
    }

    @Override
    Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> objective) {
      return tf.reduceSum(tf.math.mul(tf.nn.logSoftmax(logits), objective), tf.constant(1));
    }

    @Override
    float value(float[] z, float[] objective, float[] dz) {
      // sum_j w_j (z_j - lse(z)); d/dz_k = w_k - (sum_j w_j) softmax(z)_k.
      float max = Float.NEGATIVE_INFINITY;
      for (float v : z) {
        max = Math.max(max, v);
      }
      double sumExp = 0;
      double weightSum = 0;
      double weighted = 0;
      for (int k = 0; k < z.length; k++) {
        double e = Math.exp(z[k] - max);
        dz[k] = (float) e; // softmax(z)_k * sumExp, scaled below
        sumExp += e;
        weightSum += objective[k];
        weighted += (double) objective[k] * z[k];
      }
      float scale = (float) (weightSum / sumExp);
      for (int k = 0; k < z.length; k++) {
        dz[k] = objective[k] - scale * dz[k];
      }
      return (float) (weighted - weightSum * (max + Math.log(sumExp)));
    }
  },
  /** The class-oblivious loss: mean_j (z_j - z'_j)^2 (the objective row is z, the unfiltered logits). */
  KEEP_OUTPUT(false) {
    @Override
    public float[] objective(int target, float[] logits) {
      return logits.clone();
    }

    @Override
    Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> reference) {
      return tf.math.mean(tf.math.square(tf.math.sub(reference, logits)), tf.constant(1));
    }

    @Override
    float value(float[] z, float[] reference, float[] dz) {
      double sum = 0;
      for (int k = 0; k < z.length; k++) {
        float d = z[k] - reference[k];
        sum += (double) d * d;
        dz[k] = 2 * d / z.length;
      }
      return (float) (sum / z.length);
    }
  };

  /** The class-specific loss used when none is asked for; see the README for the measurements behind it. */
  public static final Loss DEFAULT = SOFTMAX;
  /** {@link #DEFAULT}'s label, for option defaults. */
  public static final String DEFAULT_LABEL = "softmax";

  private final boolean linear;

  Loss(boolean linear) {
    this.linear = linear;
  }

  /**
   * Whether the loss is {@code <objective, z'>}, linear in the logits: then through an affine head it is
   * linear in the filter and has a closed-form optimum on the unit sphere ({@link ExactSolver}).
   */
  public boolean linear() {
    return linear;
  }

  /** The objective row of one image; {@code target} is ignored by {@link #KEEP_OUTPUT}. */
  public abstract float[] objective(int target, float[] logits);

  /** Per-image loss [N] of filtered logits [N, K] given the objective rows [N, K]; linear by default. */
  Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> objective) {
    return tf.reduceSum(tf.math.mul(logits, objective), tf.constant(1));
  }

  /** The loss of logits {@code z} [K], writing d loss / dz into {@code dz}; linear by default. */
  float value(float[] z, float[] objective, float[] dz) {
    double sum = 0;
    for (int k = 0; k < z.length; k++) {
      sum += (double) objective[k] * z[k];
    }
    System.arraycopy(objective, 0, dz, 0, z.length);
    return (float) sum;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A class-specific loss a user may ask for: reference, mean-others or softmax. */
  public static Loss parse(String name) {
    for (Loss loss : new Loss[] {REFERENCE, MEAN_OTHERS, SOFTMAX}) {
      if (loss.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return loss;
      }
    }
    throw new IllegalArgumentException("unknown loss '" + name + "' (reference, mean-others or softmax)");
  }

  /** -1 at the target, {@code others} elsewhere. */
  private static float[] weights(int classes, int target, float others) {
    float[] w = new float[classes];
    Arrays.fill(w, others);
    w[target] = -1f;
    return w;
  }
}
