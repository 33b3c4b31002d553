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
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * The closed form for a linear loss ({@link Loss#linear()}: sum_j w_j z'_j for any weight row w) through an
 * affine head: the loss is linear in the unit filter u, loss(u) = <u, g> + c with g = d loss / d u the same
 * for every u, so its minimum on the unit sphere is u* = -g / ||g||. One backbone pass and one head
 * gradient, no iterations.
 */
public final class ExactSolver implements Solver {

  /** Whether the closed form is exact for this problem. */
  public static boolean applies(HeadReplay head, Loss loss, FilterType filter) {
    return loss.linear() && filter == FilterType.L2NORM && head.isAffine();
  }

  @Override
  public List<FilterSolution> solve(LoadedModel model, FilterProblem problem) {
    if (!applies(problem.head(), problem.loss(), problem.filter())) {
      throw new IllegalArgumentException("the exact solver needs a linear loss, an l2norm filter and an affine head"
          + " after the layer; the head after " + problem.head().layer() + " is " + problem.head().opTypes());
    }
    FeatureMap features = problem.features();
    Program program = model.program(List.of("exact", problem.head().layer(), problem.loss()),
        () -> new Program(model, problem.head(), problem.loss(), features));
    int cells = features.height() * features.width();
    float[] uniform = new float[problem.rows() * cells];
    Arrays.fill(uniform, (float) (1 / Math.sqrt(cells)));
    try (Result result = program.inputs.run(model, problem, uniform, program.optimum, program.loss)) {
      float[] optimum = Tensors.values(result.get(0));
      float[] loss = Tensors.values(result.get(1));
      List<FilterSolution> out = new ArrayList<>();
      for (int i = 0; i < problem.rows(); i++) {
        float[] row = Arrays.copyOfRange(optimum, i * cells, (i + 1) * cells);
        out.add(new FilterSolution(problem.heat().apply(row), features.height(), features.width(),
            loss[i], 0, SolverKind.EXACT));
      }
      return out;
    }
  }

  /** Ops: g = d loss / d u at any u, u* = -g / ||g||, and the loss at u*. */
  private static final class Program {
    final FilterInputs inputs;
    final Operand<TFloat32> optimum;
    final Operand<TFloat32> loss;

    Program(LoadedModel model, HeadReplay head, Loss lossFunction, FeatureMap like) {
      Ops tf = FilteredHead.scope(model, "exact");
      Graph graph = model.graph();
      inputs = FilterInputs.create(tf, like);
      // The gradient at any u (the uniform filter is fed) is the same for an affine head.
      Operand<TFloat32> probeLoss = lossFunction.loss(tf,
          FilteredHead.logits(graph, tf, head, inputs.features(), inputs.filter()), inputs.objective());
      Output<?> g = graph.addGradients(tf.reduceSum(probeLoss, tf.constant(0)).asOutput(),
          new Output<?>[] {inputs.filter().asOutput()})[0];
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gradient = (Operand<TFloat32>) g;
      Operand<TFloat32> norm = tf.math.sqrt(tf.reduceSum(tf.math.square(gradient), tf.constant(new int[] {1, 2}),
          ReduceSum.keepDims(true)));
      optimum = tf.math.neg(tf.math.div(gradient, norm));
      loss = lossFunction.loss(tf, FilteredHead.logits(graph, tf, head, inputs.features(), optimum),
          inputs.objective());
    }
  }
}
