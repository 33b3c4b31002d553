package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.HeadReplay;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.Tensors;
import java.util.List;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The reference schedule ({@link ReplaySolver}'s Adam, decay and per-image convergence checks) on the
 * collapsed problem of an affine head: every filtered logit is affine in the filter map u,
 * z'_j(u) = sum_i u_i G[i, j] + b_j, so one graph call computes G [H*W, K] for each row (the head applied to
 * the feature map masked to one cell, minus the head at zero) and the iterations run on Java arrays, each
 * row on its own (49 x 1001 floats at 7x7 with 1001 classes), without the network. Where the head reads the
 * layer only through its global mean ({@link HeadReplay#poolsFirst()}), G is one matrix product of the cells
 * [N*H*W, C] with the head's linear part [C, K] (read once from the head itself) instead of the head on H*W
 * masked copies of the whole map: at batch 32 on MobileNet V2, 25-33 ms instead of 64-68 ms for the head on
 * the cells as 1x1 maps.
 *
 * <p>A linear loss sum_j w_j z'_j collapses further to {@code <u, G w> + <w, b>}: H*W numbers per row.
 */
public final class CollapsedSolver implements Solver {
  private final AdamSettings settings;

  public CollapsedSolver(AdamSettings settings) {
    this.settings = settings;
  }

  /** Whether the logits are affine in the filter: the head after the layer is. */
  public static boolean applies(HeadReplay head) {
    return head.isAffine();
  }

  @Override
  public List<FilterSolution> solve(LoadedModel model, FilterProblem problem) {
    if (!applies(problem.head())) {
      throw new IllegalArgumentException("the collapsed solver needs an affine head after the layer; the head after "
          + problem.head().layer() + " is " + problem.head().opTypes());
    }
    FeatureMap f = problem.features();
    int cells = f.height() * f.width();
    float[][] collapsed = collapse(model, problem.head(), f, problem.head().poolsFirst());
    float[] g = collapsed[0];
    float[] bias = collapsed[1];
    int classes = bias.length;
    float[] init = problem.filter().initialParameters(f.height(), f.width(), problem.seed());
    // Rows are independent and small (G stays in cache): one row per task, on every core.
    return IntStream.range(0, problem.rows()).parallel()
        .mapToObj(row -> optimize(objective(problem.loss(), g, row * cells * classes, cells, classes, bias,
            problem.objectives()[row]), problem.filter(), problem.heat(), init, f.height(), f.width()))
        .toList();
  }

  /**
   * G [N, H*W, K] and b [K] of {@code f}'s rows; {@code pooled} computes G from the cells alone, which is exact
   * only where {@link HeadReplay#poolsFirst()} (the tests compare both ways).
   */
  static float[][] collapse(LoadedModel model, HeadReplay head, FeatureMap f, boolean pooled) {
    Program program = model.program(List.of("collapse", head.layer(), pooled), () -> new Program(model, head, f, pooled));
    try (TFloat32 a = Tensors.floats(f.values(), f.batch(), f.height(), f.width(), f.channels());
         Result r = model.session().runner().feed(program.features, a).fetch(program.cellLogits).fetch(program.bias)
             .run()) {
      return new float[][] {Tensors.values(r.get(0)), Tensors.values(r.get(1))};
    }
  }

  /** A row's loss as a function of its filter map u [H*W]. */
  private interface CollapsedLoss {
    /** The loss at {@code u}, writing d loss / du into {@code du}. */
    float value(float[] u, float[] du);
  }

  private static CollapsedLoss objective(Loss loss, float[] g, int offset, int cells, int classes, float[] bias,
      float[] objective) {
    if (loss.linear()) {
      // <w, G u + b> = <u, G w> + <w, b>
      float[] gw = new float[cells];
      for (int i = 0; i < cells; i++) {
        gw[i] = dot(g, offset + i * classes, objective, classes);
      }
      float constant = dot(bias, 0, objective, classes);
      return (u, du) -> {
        System.arraycopy(gw, 0, du, 0, cells);
        return dot(gw, 0, u, cells) + constant;
      };
    }
    // G twice, as one array per cell and one per class, so that both products below are loops of
    // multiply-adds into an array (which the JIT vectorizes) rather than sums (which it does not), over arrays
    // of their own (an offset into one big array also keeps it from vectorizing).
    float[][] byCell = new float[cells][];
    float[][] byClass = new float[classes][cells];
    for (int i = 0; i < cells; i++) {
      byCell[i] = java.util.Arrays.copyOfRange(g, offset + i * classes, offset + (i + 1) * classes);
      for (int k = 0; k < classes; k++) {
        byClass[k][i] = byCell[i][k];
      }
    }
    float[] z = new float[classes];
    float[] dz = new float[classes];
    return (u, du) -> {
      System.arraycopy(bias, 0, z, 0, classes);
      int i = 0;
      // Four cells per pass over z, as below four classes per pass over du.
      for (; i + 3 < cells; i += 4) {
        multiplyAdd4(z, byCell[i], byCell[i + 1], byCell[i + 2], byCell[i + 3], u[i], u[i + 1], u[i + 2], u[i + 3]);
      }
      for (; i < cells; i++) {
        multiplyAdd(z, byCell[i], u[i]);
      }
      float value = loss.value(z, objective, dz);
      java.util.Arrays.fill(du, 0f);
      int k = 0;
      // Four classes per pass over du: a quarter of its loads and stores (twice as fast on 49 cells).
      for (; k + 3 < classes; k += 4) {
        multiplyAdd4(du, byClass[k], byClass[k + 1], byClass[k + 2], byClass[k + 3], dz[k], dz[k + 1], dz[k + 2],
            dz[k + 3]);
      }
      for (; k < classes; k++) {
        multiplyAdd(du, byClass[k], dz[k]);
      }
      return value;
    };
  }

  /** y += a * x, element by element. */
  private static void multiplyAdd(float[] y, float[] x, float a) {
    for (int k = 0; k < x.length; k++) {
      y[k] += a * x[k];
    }
  }

  /** y += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3, element by element. */
  private static void multiplyAdd4(float[] y, float[] x0, float[] x1, float[] x2, float[] x3, float a0, float a1,
      float a2, float a3) {
    for (int i = 0; i < y.length; i++) {
      y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
    }
  }

  /** The reference Adam schedule, exactly as {@link ReplaySolver} runs it, for one row. */
  private FilterSolution optimize(CollapsedLoss loss, FilterType filter, Heat heat, float[] init, int height,
      int width) {
    int cells = height * width;
    float[] p = init.clone();
    float[] m = new float[p.length];
    float[] v = new float[p.length];
    float[] dp = new float[p.length];
    float[] u = new float[cells];
    float[] du = new float[cells];
    float prev = Float.POSITIVE_INFINITY;
    int iterations = 0;
    float b1 = settings.beta1();
    float b2 = settings.beta2();
    for (int i = 0; i < settings.maxIterations(); i++) {
      filter.map(p, u, height, width);
      float value = loss.value(u, du);
      filter.pullBack(p, u, du, dp, height, width);
      // Iteration i decays lr with i and bias-corrects with t = i + 1, like the reference.
      float t = i + 1;
      float decay = 1f - Math.min(i, settings.maxIterations()) / (float) settings.maxIterations();
      float lr = settings.learningRate() * decay * (float) Math.sqrt(1f - (float) Math.pow(b2, t))
          / (1f - (float) Math.pow(b1, t));
      for (int k = 0; k < p.length; k++) {
        m[k] = b1 * m[k] + (1 - b1) * dp[k];
        v[k] = b2 * v[k] + (1 - b2) * dp[k] * dp[k];
        p[k] -= lr * (m[k] / ((float) Math.sqrt(v[k]) + settings.epsilon()));
      }
      iterations++;
      // The reference checks at multiples of checkEvery, after that step's update, with that step's loss.
      if (i % settings.checkEvery() == 0) {
        if (i > 0 && Math.abs(value - prev) < settings.tolerance()) {
          break;
        }
        prev = value;
      }
    }
    filter.map(p, u, height, width);
    float finalLoss = loss.value(u, du);
    return new FilterSolution(heat.apply(u), height, width, finalLoss, iterations,
        SolverKind.COLLAPSED);
  }

  /** sum_k a[from + k] * b[k] for k < n, with four partial sums (the JIT does not vectorize one). */
  private static float dot(float[] a, int from, float[] b, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int k = 0;
    for (; k + 3 < n; k += 4) {
      s0 += a[from + k] * b[k];
      s1 += a[from + k + 1] * b[k + 1];
      s2 += a[from + k + 2] * b[k + 2];
      s3 += a[from + k + 3] * b[k + 3];
    }
    for (; k < n; k++) {
      s0 += a[from + k] * b[k];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Ops: G [N, H*W, K], each cell's share of the logits (the head at zero, b, subtracted), and b [K]. */
  private static final class Program {
    final Placeholder<TFloat32> features;
    final Operand<TFloat32> cellLogits;
    final Operand<TFloat32> bias;

    Program(LoadedModel model, HeadReplay head, FeatureMap like, boolean pooled) {
      Ops tf = FilteredHead.scope(model, "collapse");
      Graph graph = model.graph();
      int h = like.height();
      int w = like.width();
      int c = like.channels();
      features = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h, w, c)));
      if (pooled) {
        // z(A) = h(mean A) with h affine: the map masked to cell i has mean A[i] / (H*W), so
        // G[i] = (h(A[i]) - b) / (H*W) = A[i] L, where L = (h(I) - b) / (H*W) is h's linear part, read once
        // from the head itself on the C unit vectors (as 1x1 maps). G is then one matrix product.
        Operand<TFloat32> zero = tf.zeros(tf.constant(new int[] {1, 1, 1, c}), TFloat32.class);
        bias = tf.reshape(head.build(graph, tf.scope(), zero), tf.constant(new int[] {-1}));
        cellLogits = tf.linalg.matMul(tf.reshape(features, tf.constant(new int[] {-1, c})),
            linearPart(model, tf, head, bias, c, h * w));
        return;
      }
      float[][][][][] masks = new float[1][h * w][h][w][1];
      for (int i = 0; i < h * w; i++) {
        masks[0][i][i / w][i % w][0] = 1f;
      }
      // [N, 1, H, W, C] * [1, H*W, H, W, 1]: row n, cell i keeps only A[n, i, :].
      Operand<TFloat32> masked = tf.reshape(tf.math.mul(tf.expandDims(features, tf.constant(1)), tf.constant(masks)),
          tf.constant(new int[] {-1, h, w, c}));
      Operand<TFloat32> zero = tf.zeros(tf.constant(new int[] {1, h, w, c}), TFloat32.class);
      bias = tf.reshape(head.build(graph, tf.scope(), zero), tf.constant(new int[] {-1}));
      Operand<TFloat32> logits = head.build(graph, tf.scope(), masked);
      cellLogits = tf.math.sub(logits, tf.expandDims(bias, tf.constant(0)));
    }

    /** L [C, K] = (h(I) - b) / (H*W), as a constant: the head on the C unit vectors as 1x1 maps, run once. */
    private static Operand<TFloat32> linearPart(LoadedModel model, Ops tf, HeadReplay head, Operand<TFloat32> bias,
        int c, int cells) {
      Placeholder<TFloat32> units = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1, 1, c)));
      Operand<TFloat32> linear = tf.reshape(tf.math.div(tf.math.sub(head.build(model.graph(), tf.scope(), units),
          tf.expandDims(bias, tf.constant(0))), tf.constant((float) cells)), tf.constant(new int[] {c, -1}));
      float[] identity = new float[c * c];
      for (int i = 0; i < c; i++) {
        identity[i * c + i] = 1f;
      }
      try (TFloat32 eye = Tensors.floats(identity, c, 1, 1, c);
           Result r = model.session().runner().feed(units, eye).fetch(linear).run()) {
        return tf.constantOf((TFloat32) r.get(0)); // the graph keeps its own copy
      }
    }
  }
}
