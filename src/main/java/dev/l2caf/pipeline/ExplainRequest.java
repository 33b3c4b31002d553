package dev.l2caf.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.ExplainOptions;
import java.util.Set;

/**
 * A validated explanation request.
 *
 * @param model the model's folder name, or null for the worker's default model
 * @param metadata the request's free-form object, echoed back in its completion (null when absent)
 */
public record ExplainRequest(
    String id, ImageSource image, String model, ExplainOptions options, Set<OutputKind> outputs, ObjectNode metadata) {
  public ExplainRequest {
    outputs = Set.copyOf(outputs);
  }
}
