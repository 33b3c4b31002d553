package dev.l2caf.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.Prediction;
import dev.l2caf.image.Box;
import java.util.List;
import java.util.Map;

/**
 * The one event that ends a request (docs/schema/completion.schema.json): ok with its results, or an error
 * with a code.
 */
public record Completion(
    String id, boolean ok, ErrorCode errorCode, String errorMessage, String model, String layer,
    List<Prediction> predictions, List<Explained> explanations, Timings timings, int attempt, String worker,
    ObjectNode metadata) {

  /**
   * One explained class and the s3:// URIs of its files by output kind.
   *
   * @param lossFunction the loss L2-CAF optimized and {@code heat} its finalization, labels; null for a baseline
   */
  /** One explained class; {@code heatmap} is the raw grid (rows of the layer's cells), the label with the box. */
  public record Explained(Integer classId, String label, String solver, String lossFunction, String heat,
      int iterations, float loss, Box box, float[][] heatmap, Map<OutputKind, String> files) {}

  /** Milliseconds spent waiting for a batch, computing, storing, and in all since the record was read. */
  public record Timings(long queuedMs, long computeMs, long storeMs, long totalMs) {
    public static final Timings NONE = new Timings(0, 0, 0, 0);
  }

  public static Completion error(String id, ErrorCode code, String message, ObjectNode metadata, Timings timings,
      int attempt, String worker) {
    return new Completion(id, false, code, message, null, null, List.of(), List.of(), timings, attempt, worker, metadata);
  }
}
