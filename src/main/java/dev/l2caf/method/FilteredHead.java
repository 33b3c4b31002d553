package dev.l2caf.method;

import dev.l2caf.model.HeadReplay;
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

  /** A fresh name scope for one program's ops in a model graph. */
  static Ops scope(Graph graph, String kind) {
    return Ops.create(graph).withSubScope("l2caf_" + kind + "_" + PROGRAMS.incrementAndGet());
  }
}
