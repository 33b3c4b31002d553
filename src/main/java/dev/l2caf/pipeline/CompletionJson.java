package dev.l2caf.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.Prediction;
import dev.l2caf.image.Box;

/** Completion events as the JSON of the contract. */
public final class CompletionJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CompletionJson() {}

  public static byte[] toBytes(Completion c) {
    try {
      return JSON.writeValueAsBytes(toJson(c));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a completion event", e);
    }
  }

  public static ObjectNode toJson(Completion c) {
    ObjectNode node = JSON.createObjectNode().put("id", c.id()).put("status", c.ok() ? "ok" : "error");
    if (!c.ok()) {
      node.putObject("error").put("code", c.errorCode().name()).put("message", c.errorMessage());
    }
    putNullable(node, "model", c.model());
    putNullable(node, "layer", c.layer());
    ArrayNode predictions = node.putArray("predictions");
    for (Prediction p : c.predictions()) {
      predictions.addObject().put("class", p.classId()).put("label", p.label()).put("score", p.score());
    }
    ArrayNode explanations = node.putArray("explanations");
    for (Completion.Explained e : c.explanations()) {
      ObjectNode x = explanations.addObject();
      if (e.classId() == null) {
        x.putNull("class").putNull("label");
      } else {
        x.put("class", e.classId()).put("label", e.label());
      }
      x.put("solver", e.solver()).put("loss_function", e.lossFunction()).put("heat", e.heat())
          .put("iterations", e.iterations());
      putLoss(x, e.loss());
      box(x.putArray("box"), e.box());
      x.set("heatmap", JSON.valueToTree(e.heatmap()));
      ObjectNode files = x.putObject("files");
      e.files().forEach((kind, uri) -> files.put(kind.wireName(), uri));
    }
    node.putObject("timings")
        .put("queued_ms", c.timings().queuedMs()).put("compute_ms", c.timings().computeMs())
        .put("store_ms", c.timings().storeMs()).put("total_ms", c.timings().totalMs());
    node.put("attempt", c.attempt()).put("worker", c.worker());
    if (c.metadata() == null) {
      node.putNull("metadata");
    } else {
      node.set("metadata", c.metadata());
    }
    return node;
  }

  /** Baselines have no loss (NaN): written as null, since JSON has no NaN. */
  static void putLoss(ObjectNode node, float loss) {
    if (Float.isNaN(loss)) {
      node.putNull("loss");
    } else {
      node.put("loss", loss);
    }
  }

  static void box(ArrayNode array, Box b) {
    array.add(b.x0()).add(b.y0()).add(b.x1()).add(b.y1());
  }

  private static void putNullable(ObjectNode node, String field, String value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }
}
