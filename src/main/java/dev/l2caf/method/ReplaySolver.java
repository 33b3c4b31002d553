package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.HeadReplay;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The reference algorithm on any head, replaying it: Adam on the filter parameters with a linearly decaying learning rate, and a
 * convergence test every {@code checkEvery} iterations, per image. Each session call runs
 * {@code unroll} steps (the head and its gradient are built once per step in the graph); between calls
 * the state comes back to Java, where converged images leave the batch. Linear heads have a faster path
 * to the same filters, {@link CollapsedSolver}.
 */
public final class ReplaySolver implements Solver {
  private final AdamSettings settings;

  public ReplaySolver(AdamSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<FilterSolution> solve(LoadedModel model, FilterProblem problem) {
    FeatureMap features = problem.features();
    int h = features.height();
    int w = features.width();
    Program program = model.program(
        List.of("replay", problem.head().layer(), problem.loss(), problem.filter(), settings),
        () -> new Program(model, problem.head(), problem.loss(), problem.filter(), features, settings));

    int rows = problem.rows();
    int paramSize = (int) Arrays.stream(problem.filter().parameterShape(h, w)).reduce(1, (a, b) -> a * b);
    float[] init = problem.filter().initialParameters(h, w, problem.seed());
    State state = new State(rows, paramSize);
    for (int i = 0; i < rows; i++) {
      System.arraycopy(init, 0, state.params, i * paramSize, paramSize);
    }
    Arrays.fill(state.prevLoss, Float.POSITIVE_INFINITY);

    // Rows still optimizing, as indices into the problem; converged rows drop out between calls.
    int[] live = java.util.stream.IntStream.range(0, rows).toArray();
    for (int step = 0; step < settings.maxIterations() && live.length > 0; step += settings.unroll()) {
      boolean check = step > 0 && step % settings.checkEvery() == 0;
      live = program.run(model, features, problem.objectives(), state, live, step, check);
    }

    float[] u = program.finish(model, features, problem.objectives(), state);
    int cells = h * w;
    List<FilterSolution> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      float[] row = Arrays.copyOfRange(u, i * cells, (i + 1) * cells);
      out.add(new FilterSolution(problem.heat().apply(row), h, w, state.finalLoss[i],
          state.iterations[i], SolverKind.REPLAY));
    }
    return out;
  }

  /** Optimizer state of every row of a problem, in Java between session calls. */
  private static final class State {
    final int paramSize;
    final float[] params;
    final float[] m;
    final float[] v;
    final float[] prevLoss;
    final int[] iterations;
    final float[] finalLoss;

    State(int rows, int paramSize) {
      this.paramSize = paramSize;
      params = new float[rows * paramSize];
      m = new float[rows * paramSize];
      v = new float[rows * paramSize];
      prevLoss = new float[rows];
      iterations = new int[rows];
      finalLoss = new float[rows];
    }

    float[] gather(float[] source, int[] rows, int size) {
      float[] out = new float[rows.length * size];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(source, rows[i] * size, out, i * size, size);
      }
      return out;
    }

    void scatter(float[] values, float[] target, int[] rows, int size) {
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(values, i * size, target, rows[i] * size, size);
      }
    }
  }

  private static final class Program {
    final AdamSettings settings;
    final long[] paramShape;
    final Placeholder<TFloat32> features;
    final Placeholder<TFloat32> objective;
    final Placeholder<TFloat32> params;
    final Placeholder<TFloat32> m;
    final Placeholder<TFloat32> v;
    final Placeholder<TFloat32> prevLoss;
    final Placeholder<TFloat32> firstStep;
    final Placeholder<TBool> check;
    final Operand<TFloat32> paramsOut;
    final Operand<TFloat32> mOut;
    final Operand<TFloat32> vOut;
    final Operand<TFloat32> activeOut;
    final Operand<TFloat32> stepsOut;
    final Operand<TFloat32> checkLoss;
    final Operand<TFloat32> finalFilter;
    final Operand<TFloat32> finalLoss;

    Program(LoadedModel model, HeadReplay head, Loss lossFunction, FilterType filter, FeatureMap like, AdamSettings settings) {
      this.settings = settings;
      int h = like.height();
      int w = like.width();
      Ops tf = FilteredHead.scope(model, "replay");
      Graph graph = model.graph();
      paramShape = filter.parameterShape(h, w);
      long[] batchParamShape = new long[paramShape.length + 1];
      batchParamShape[0] = -1;
      System.arraycopy(paramShape, 0, batchParamShape, 1, paramShape.length);
      int[] broadcastShape = new int[batchParamShape.length];
      java.util.Arrays.fill(broadcastShape, 1);
      broadcastShape[0] = -1;

      features = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h, w, like.channels())));
      objective = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      params = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(batchParamShape)));
      m = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(batchParamShape)));
      v = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(batchParamShape)));
      prevLoss = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      firstStep = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      check = tf.placeholder(TBool.class, Placeholder.shape(Shape.scalar()));

      Operand<TFloat32> p = params;
      Operand<TFloat32> mk = m;
      Operand<TFloat32> vk = v;
      // 1 while a row optimizes, 0 once it converged at this call's check.
      Operand<TFloat32> active = tf.onesLike(prevLoss);
      Operand<TFloat32> steps = tf.zerosLike(prevLoss);
      Operand<TFloat32> lossAtCheck = null;
      for (int k = 0; k < settings.unroll(); k++) {
        Operand<TFloat32> loss = lossFunction.loss(tf,
            FilteredHead.logits(graph, tf, head, features, filter.map(tf, p, h, w)), objective);
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) graph.addGradients(
            tf.reduceSum(loss, tf.constant(0)).asOutput(), new Output<?>[] {p.asOutput()})[0];

        // Iteration i = firstStep + k; the reference decays lr with i and bias-corrects with t = i + 1.
        Operand<TFloat32> i = tf.math.add(firstStep, tf.constant((float) k));
        Operand<TFloat32> t = tf.math.add(i, tf.constant(1f));
        Operand<TFloat32> decay = tf.math.sub(tf.constant(1f),
            tf.math.div(tf.math.minimum(i, tf.constant((float) settings.maxIterations())),
                tf.constant((float) settings.maxIterations())));
        Operand<TFloat32> lr = tf.math.div(
            tf.math.mul(tf.constant(settings.learningRate()), tf.math.mul(decay,
                tf.math.sqrt(tf.math.sub(tf.constant(1f), tf.math.pow(tf.constant(settings.beta2()), t))))),
            tf.math.sub(tf.constant(1f), tf.math.pow(tf.constant(settings.beta1()), t)));
        Operand<TFloat32> mNext = tf.math.add(tf.math.mul(tf.constant(settings.beta1()), mk),
            tf.math.mul(tf.constant(1 - settings.beta1()), g));
        Operand<TFloat32> vNext = tf.math.add(tf.math.mul(tf.constant(settings.beta2()), vk),
            tf.math.mul(tf.constant(1 - settings.beta2()), tf.math.square(g)));
        Operand<TFloat32> pNext = tf.math.sub(p, tf.math.mul(lr,
            tf.math.div(mNext, tf.math.add(tf.math.sqrt(vNext), tf.constant(settings.epsilon())))));

        Operand<TBool> moving = tf.math.logicalAnd(tf.math.greater(active, tf.constant(0.5f)),
            tf.math.less(i, tf.constant((float) settings.maxIterations())));
        Operand<TBool> movingRows = tf.reshape(moving, tf.constant(broadcastShape)); // [N, 1, ...] for SelectV2
        p = tf.select(movingRows, pNext, p);
        mk = tf.select(movingRows, mNext, mk);
        vk = tf.select(movingRows, vNext, vk);
        steps = tf.math.add(steps, tf.dtypes.cast(moving, TFloat32.class));
        if (k == 0) {
          // The reference checks at iterations that are multiples of checkEvery, after that step's update.
          lossAtCheck = loss;
          Operand<TBool> converged = tf.math.logicalAnd(check,
              tf.math.less(tf.math.abs(tf.math.sub(loss, prevLoss)), tf.constant(settings.tolerance())));
          active = tf.select(converged, tf.zerosLike(active), active);
        }
      }
      paramsOut = p;
      mOut = mk;
      vOut = vk;
      activeOut = active;
      stepsOut = steps;
      checkLoss = lossAtCheck;
      finalFilter = filter.map(tf, params, h, w);
      finalLoss = lossFunction.loss(tf, FilteredHead.logits(graph, tf, head, features, finalFilter), objective);
    }

    /** Runs one call of {@code unroll} steps on the live rows; returns the rows still live after it. */
    int[] run(LoadedModel model, FeatureMap all, float[][] objectives, State s, int[] live, int step, boolean check) {
      FeatureMap rows = all.rows(live);
      int n = live.length;
      try (TFloat32 a = Tensors.floats(rows.values(), n, rows.height(), rows.width(), rows.channels());
           TFloat32 obj = Tensors.stack(Arrays.stream(live).mapToObj(r -> objectives[r]).toList(), objectives[0].length);
           TFloat32 p = Tensors.floats(s.gather(s.params, live, s.paramSize), batchShape(n));
           TFloat32 mt = Tensors.floats(s.gather(s.m, live, s.paramSize), batchShape(n));
           TFloat32 vt = Tensors.floats(s.gather(s.v, live, s.paramSize), batchShape(n));
           TFloat32 prev = Tensors.floats(s.gather(s.prevLoss, live, 1), n);
           TFloat32 first = TFloat32.scalarOf(step);
           TBool checking = TBool.scalarOf(check);
           Result r = model.session().runner()
               .feed(features, a).feed(objective, obj).feed(params, p).feed(m, mt).feed(v, vt)
               .feed(prevLoss, prev).feed(firstStep, first).feed(this.check, checking)
               .fetch(paramsOut).fetch(mOut).fetch(vOut).fetch(activeOut).fetch(stepsOut).fetch(checkLoss)
               .run()) {
        s.scatter(Tensors.values(r.get(0)), s.params, live, s.paramSize);
        s.scatter(Tensors.values(r.get(1)), s.m, live, s.paramSize);
        s.scatter(Tensors.values(r.get(2)), s.v, live, s.paramSize);
        float[] active = Tensors.values(r.get(3));
        float[] steps = Tensors.values(r.get(4));
        float[] loss = Tensors.values(r.get(5));
        List<Integer> still = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          s.iterations[live[i]] += Math.round(steps[i]);
          if (step % settings.checkEvery() == 0) {
            s.prevLoss[live[i]] = loss[i];
          }
          if (active[i] > 0.5f) {
            still.add(live[i]);
          }
        }
        return still.stream().mapToInt(Integer::intValue).toArray();
      }
    }

    /** The final filter maps u [N*H*W] and fills in the final losses. */
    float[] finish(LoadedModel model, FeatureMap all, float[][] objectives, State s) {
      int n = all.batch();
      try (TFloat32 a = Tensors.floats(all.values(), n, all.height(), all.width(), all.channels());
           TFloat32 obj = Tensors.stack(List.of(objectives), objectives[0].length);
           TFloat32 p = Tensors.floats(s.params, batchShape(n));
           Result r = model.session().runner()
               .feed(features, a).feed(objective, obj).feed(params, p)
               .fetch(finalFilter).fetch(finalLoss)
               .run()) {
        float[] loss = Tensors.values(r.get(1));
        System.arraycopy(loss, 0, s.finalLoss, 0, n);
        return Tensors.values(r.get(0));
      }
    }

    private long[] batchShape(int n) {
      long[] shape = new long[paramShape.length + 1];
      shape[0] = n;
      System.arraycopy(paramShape, 0, shape, 1, paramShape.length);
      return shape;
    }
  }
}
