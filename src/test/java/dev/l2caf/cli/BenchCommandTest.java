package dev.l2caf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.TestAssets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench} as a user runs it, on short rows: which rows it prints and what their ratios are. */
class BenchCommandTest {

  @Test
  void onlyTheAskedWorkloadsRunEachBesideClassifyAtItsBatchSize() throws Exception {
    CliRun r = CliRun.of("bench", "--model", TestAssets.MODEL_DIR.toString(), "--workloads", "fast-exact",
        "--no-e2e", "--batch", "2", "--seconds", "0.2", "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode rows = new ObjectMapper().readTree(r.out()).get("rows");
    List<String> names = new ArrayList<>();
    rows.forEach(row -> names.add(row.get("workload").asText() + "@" + row.get("batch").asInt()));
    assertEquals(List.of("classify@1", "fast-exact@1", "classify@2", "fast-exact@2"), names);
    for (int i = 0; i < rows.size(); i += 2) {
      JsonNode classify = rows.get(i);
      JsonNode exact = rows.get(i + 1);
      assertEquals("exact", exact.get("solver").asText());
      double expected = exact.get("images_per_s").asDouble() / classify.get("images_per_s").asDouble();
      // Both rates are rounded to 3 decimals in the JSON, the ratio from the unrounded ones.
      assertEquals(expected, exact.get("ratio_to_classify").asDouble(), 0.002 + 1e-3 * expected, exact.toString());
    }
  }

  @Test
  void anUnknownWorkloadIsAUsageErrorNamingTheKnownOnes() {
    CliRun r = CliRun.of("bench", "--model", TestAssets.MODEL_DIR.toString(), "--workloads", "fast-exakt", "--no-e2e");
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("unknown workload 'fast-exakt'") && r.err().contains("auto:softmax")
        && r.err().contains("e2e-pictures"), r.err());
  }
}
