package dev.l2caf.method;

import dev.l2caf.model.HeadReplay;
import dev.l2caf.model.LoadedModel;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The filter inserted after a layer: logits of the head run on A * u (u broadcast over channels). */
final class FilteredHead {
  private static final AtomicInteger PROGRAMS = new AtomicInteger();

  private FilteredHead() {}

  static Operand<TFloat32> logits(Graph graph, Ops tf, HeadReplay head, Operand<TFloat32> features, Operand<TFloat32> u) {
    Operand<TFloat32> filtered = tf.math.mul(features, tf.expandDims(u, tf.constant(-1)));
    return head.build(graph, tf.scope(), filtered);
  }

  /** A fresh name scope, on the model's device, for one program's ops in its graph. */
  static Ops scope(LoadedModel model, String kind) {
    return model.ops("l2caf_" + kind + "_" + PROGRAMS.incrementAndGet());
  }
}
