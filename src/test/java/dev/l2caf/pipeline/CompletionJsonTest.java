package dev.l2caf.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.Prediction;
import dev.l2caf.image.Box;
import io.vertx.json.schema.OutputUnit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Completion events as produced validate against docs/schema/completion.schema.json. */
class CompletionJsonTest {
  private static String json(Completion c) {
    return new String(CompletionJson.toBytes(c), StandardCharsets.UTF_8);
  }

  @Test
  void okAndErrorEventsFollowTheSchema() {
    ObjectNode metadata = new ObjectMapper().createObjectNode().put("batch", "<script>");
    Completion ok = new Completion("r1", true, null, null, "m", "last",
        List.of(new Prediction(251, "Siberian husky", 0.3f)),
        List.of(new Completion.Explained(251, "Siberian husky", "exact", "reference", "abs", 0, -28.4f, new Box(1, 2, 30, 40),
            new float[][] {{0.5f, 0f}, {0.25f, 0.8f}}, Map.of(OutputKind.OVERLAY_PNG, "s3://b/results/m/r1/251/overlay.png")),
            new Completion.Explained(null, null, "iterative", "keep-output", "abs", 151, 0.2f, new Box(0, 0, 5, 5),
            new float[][] {{1f}}, Map.of())),
        new Completion.Timings(1, 2, 3, 6), 1, "1@host", metadata);
    OutputUnit okResult = Schemas.check(Schemas.COMPLETION, json(ok));
    assertTrue(okResult.getValid(), okResult.toString());
    Completion error = Completion.error("r2", ErrorCode.UNKNOWN_CLASS, "class 5000", null, Completion.Timings.NONE, 1, "w");
    OutputUnit errorResult = Schemas.check(Schemas.COMPLETION, json(error));
    assertTrue(errorResult.getValid(), errorResult.toString());
    assertTrue(json(error).contains("\"code\":\"UNKNOWN_CLASS\""));
  }

  @Test
  void theSchemaCatchesABrokenEvent() {
    // An error without its error object, and an ok event with one, are both refused.
    assertTrue(!Schemas.check(Schemas.COMPLETION, "{\"id\":\"x\",\"status\":\"error\",\"model\":null,\"layer\":null,"
        + "\"predictions\":[],\"explanations\":[],\"timings\":{\"queued_ms\":0,\"compute_ms\":0,\"store_ms\":0,"
        + "\"total_ms\":0},\"attempt\":1,\"worker\":\"w\",\"metadata\":null}").getValid());
    assertEquals(ErrorCode.values().length, 13, "the schema's enum lists every code; update both together");
  }
}
