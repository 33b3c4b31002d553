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
import org.tensorflow.types.TFloat32;

/**
 * Baselines computed from the feature map A and the gradient of the target logit with respect to it
 * (one head gradient per batch); each subclass turns (A, dz/dA) into a map. Maps are scaled to unit L2
 * norm like L2-CAF's, keeping their sign.
 */
abstract class GradientMapSolver implements Solver {

  /** The H x W map of one row from its feature map and gradient, both H*W*C, NHWC order. */
  abstract float[] map(float[] features, float[] gradient, int height, int width, int channels);

  abstract SolverKind kind();

  @Override
  public List<FilterSolution> solve(LoadedModel model, FilterProblem problem) {
    int[] targets = problem.targets();
    if (Arrays.stream(targets).anyMatch(t -> t < 0)) {
      throw new IllegalArgumentException(kind().label() + " explains a class: it has no class-oblivious variant");
    }
    FeatureMap f = problem.features();
    Program program = model.program(List.of("target-gradient", problem.head().layer()),
        () -> new Program(model, problem.head(), f));
    float[] oneHot = new float[problem.rows() * problem.objectives()[0].length];
    for (int r = 0; r < targets.length; r++) {
      oneHot[r * problem.objectives()[0].length + targets[r]] = 1f;
    }
    float[] gradients;
    try (TFloat32 a = Tensors.floats(f.values(), f.batch(), f.height(), f.width(), f.channels());
         TFloat32 select = Tensors.floats(oneHot, problem.rows(), problem.objectives()[0].length);
         Result r = model.session().runner().feed(program.features, a).feed(program.target, select)
             .fetch(program.gradient).run()) {
      gradients = Tensors.values(r.get(0));
    }
    int size = f.imageSize();
    List<FilterSolution> out = new ArrayList<>();
    for (int r = 0; r < problem.rows(); r++) {
      float[] map = map(Arrays.copyOfRange(f.values(), r * size, (r + 1) * size),
          Arrays.copyOfRange(gradients, r * size, (r + 1) * size), f.height(), f.width(), f.channels());
      out.add(new FilterSolution(FilterSolution.unitNorm(map), f.height(), f.width(), Float.NaN, 0, kind()));
    }
    return out;
  }

  /** Ops: d (sum_k onehot_k z_k) / dA through the head, i.e. the gradient of each row's target logit. */
  private static final class Program {
    final Placeholder<TFloat32> features;
    final Placeholder<TFloat32> target;
    final Operand<TFloat32> gradient;

    @SuppressWarnings("unchecked")
    Program(LoadedModel model, HeadReplay head, FeatureMap like) {
      Ops tf = FilteredHead.scope(model, "gradient");
      Graph graph = model.graph();
      features = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, like.height(), like.width(), like.channels())));
      target = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      Operand<TFloat32> logit = tf.reduceSum(tf.math.mul(head.build(graph, tf.scope(), features), target),
          tf.constant(new int[] {0, 1}));
      gradient = (Operand<TFloat32>) graph.addGradients(logit.asOutput(), new Output<?>[] {features.asOutput()})[0];
    }
  }
}
