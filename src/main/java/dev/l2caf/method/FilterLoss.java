package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.Tensors;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The loss of given filter maps u for each row of a problem, e.g. to compare a solution with the uniform
 * filter 1/sqrt(HW) or with the starting point.
 */
public final class FilterLoss {
  private FilterLoss() {}

  /** Per-row loss with filter maps {@code u} [rows * H * W]. */
  public static float[] evaluate(LoadedModel model, FilterProblem problem, float[] u) {
    FeatureMap f = problem.features();
    Program program = model.program(List.of("loss", problem.head().layer(), problem.loss()),
        () -> new Program(model, problem, f));
    try (Result r = program.inputs.run(model, problem, u, program.loss)) {
      return Tensors.values(r.get(0));
    }
  }

  /** The filter map of the solvers' starting point for one row (the same for every row). */
  public static float[] initialMap(FilterProblem problem) {
    FeatureMap f = problem.features();
    if (problem.filter() != FilterType.L2NORM) {
      throw new UnsupportedOperationException("initial maps are computed here for l2norm filters only");
    }
    float[] p = problem.filter().initialParameters(f.height(), f.width(), problem.seed());
    double norm = 0;
    for (float v : p) {
      norm += (double) v * v;
    }
    float[] u = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      u[i] = (float) (p[i] / Math.sqrt(norm));
    }
    return u;
  }

  private static final class Program {
    final FilterInputs inputs;
    final Operand<TFloat32> loss;

    Program(LoadedModel model, FilterProblem problem, FeatureMap like) {
      Ops tf = FilteredHead.scope(model, "loss");
      Graph graph = model.graph();
      inputs = FilterInputs.create(tf, like);
      loss = problem.loss().loss(tf,
          FilteredHead.logits(graph, tf, problem.head(), inputs.features(), inputs.filter()), inputs.objective());
    }
  }
}
