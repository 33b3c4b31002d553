package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.Tensors;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
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
    Program program = model.program(List.of("loss", problem.head().layer(), problem.variant()),
        () -> new Program(model.graph(), problem, f));
    try (TFloat32 a = Tensors.floats(f.values(), f.batch(), f.height(), f.width(), f.channels());
         TFloat32 obj = Tensors.stack(List.of(problem.objectives()), problem.objectives()[0].length);
         TFloat32 filter = Tensors.floats(u, f.batch(), f.height(), f.width());
         Result r = model.session().runner()
             .feed(program.features, a).feed(program.objective, obj).feed(program.u, filter)
             .fetch(program.loss).run()) {
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
    final Placeholder<TFloat32> features;
    final Placeholder<TFloat32> objective;
    final Placeholder<TFloat32> u;
    final Operand<TFloat32> loss;

    Program(Graph graph, FilterProblem problem, FeatureMap like) {
      Ops tf = FilteredHead.scope(graph, "loss");
      features = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, like.height(), like.width(), like.channels())));
      objective = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      u = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, like.height(), like.width())));
      loss = problem.variant().loss(tf, FilteredHead.logits(graph, tf, problem.head(), features, u), objective);
    }
  }
}
