package dev.l2caf.submit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The table printed after a backfill's completions arrived. */
public final class Summary {
  private static final int MAX_ROWS = 25;

  private Summary() {}

  public static void print(PrintWriter out, List<Submission> submitted, Map<String, JsonNode> completions) {
    int ok = 0;
    Map<String, Integer> errors = new TreeMap<>();
    List<Long> totals = new ArrayList<>();
    for (JsonNode c : completions.values()) {
      if ("ok".equals(c.path("status").asText())) {
        ok++;
        totals.add(c.path("timings").path("total_ms").asLong());
      } else {
        errors.merge(c.path("error").path("code").asText("UNKNOWN"), 1, Integer::sum);
      }
    }
    int missing = submitted.size() - completions.size();
    out.printf("%d submitted: %d ok, %d failed, %d without a completion yet%n", submitted.size(), ok,
        completions.size() - ok, missing);
    errors.forEach((code, n) -> out.printf("  %-22s %d%n", code, n));
    if (!totals.isEmpty()) {
      totals.sort(Long::compare);
      out.printf("latency (request read to completion): p50 %d ms, p95 %d ms, max %d ms%n",
          percentile(totals, 50), percentile(totals, 95), totals.get(totals.size() - 1));
    }
    if (submitted.size() <= MAX_ROWS) {
      out.printf("%-28s %-6s %-34s %s%n", "id", "status", "top class / error", "overlay");
      for (Submission s : submitted) {
        JsonNode c = completions.get(s.id());
        out.printf("%-28s %-6s %-34s %s%n", s.id(), c == null ? "-" : c.path("status").asText(), describe(c),
            c == null ? "" : c.path("explanations").path(0).path("files").path("overlay_png").asText(""));
      }
    }
    out.flush();
  }

  private static String describe(JsonNode c) {
    if (c == null) {
      return "(waiting)";
    }
    if (!"ok".equals(c.path("status").asText())) {
      return c.path("error").path("code").asText();
    }
    JsonNode top = c.path("predictions").path(0);
    String label = top.path("label").asText();
    return (label.length() > 24 ? label.substring(0, 24) : label) + String.format(" (%.2f)", top.path("score").asDouble());
  }

  static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** Ids of {@code submitted} with no completion. */
  public static List<String> missing(Collection<Submission> submitted, Map<String, JsonNode> completions) {
    return submitted.stream().map(Submission::id).filter(id -> !completions.containsKey(id)).toList();
  }
}
