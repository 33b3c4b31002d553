package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.Tensors;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The inputs of a program that evaluates given filter maps: feature maps [N,H,W,C], objective rows [N,K]
 * and filter maps u [N,H,W].
 */
record FilterInputs(Placeholder<TFloat32> features, Placeholder<TFloat32> objective, Placeholder<TFloat32> filter) {

  static FilterInputs create(Ops tf, FeatureMap like) {
    return new FilterInputs(
        tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, like.height(), like.width(), like.channels()))),
        tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1))),
        tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, like.height(), like.width()))));
  }

  /** Runs {@code fetches} with the problem's feature maps and objectives and the filter maps {@code u}. */
  Result run(LoadedModel model, FilterProblem problem, float[] u, Operand<?>... fetches) {
    FeatureMap f = problem.features();
    try (TFloat32 a = Tensors.floats(f.values(), f.batch(), f.height(), f.width(), f.channels());
         TFloat32 obj = Tensors.stack(List.of(problem.objectives()), problem.objectives()[0].length);
         TFloat32 maps = Tensors.floats(u, f.batch(), f.height(), f.width())) {
      Session.Runner runner = model.session().runner().feed(features, a).feed(objective, obj).feed(filter, maps);
      for (Operand<?> fetch : fetches) {
        runner.fetch(fetch);
      }
      return runner.run();
    }
  }
}
