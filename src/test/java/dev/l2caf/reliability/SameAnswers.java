package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Two completions of one request (at-least-once redelivery) must say the same thing: the same classes,
 * boxes and stored files, and the same loss up to float rounding. Bit-for-bit equality is not to be had:
 * a request batched with different neighbours goes through TensorFlow kernels with another summation order.
 */
public final class SameAnswers {
  private SameAnswers() {}

  public static void assertSame(JsonNode first, JsonNode again, String what) {
    JsonNode a = first.get("explanations");
    JsonNode b = again.get("explanations");
    assertEquals(a.size(), b.size(), what);
    for (int i = 0; i < a.size(); i++) {
      for (String field : new String[] {"class", "label", "solver", "box", "files"}) {
        assertEquals(a.get(i).get(field), b.get(i).get(field), what + ": " + field);
      }
      double loss = a.get(i).get("loss").asDouble();
      assertEquals(loss, b.get(i).get("loss").asDouble(), 1e-5 * Math.max(1, Math.abs(loss)), what + ": loss");
    }
    assertEquals(first.get("predictions").get(0).get("class"), again.get("predictions").get(0).get("class"), what);
  }
}
