package dev.l2caf.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2caf.TestAssets;
import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.engine.Explainer;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.S3Uri;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole pipeline against a real Kafka broker, a real S3 server and the real model. */
class ExplanationServiceTest {
  private static final List<String> SAMPLES =
      List.of("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "person.jpg", "scream.jpg");

  private static ServiceHarness harness;
  private static ServiceRunner runner;
  private static ObjectStore store;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    harness = new ServiceHarness(Map.of("L2CAF_HTTP_PORT", "0"));
    runner = ServiceRunner.start(harness.config);
    store = ObjectStore.create(harness.config.s3());
    for (String name : SAMPLES) {
      store.put("inputs/" + name, TestAssets.sampleBytes(name), "image/jpeg").get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    runner.close();
    store.close();
    harness.close();
  }

  private static Map<String, Object> request(String id, String sample, boolean inline, int n) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("image", inline
        ? Map.of("base64", Base64.getEncoder().encodeToString(TestAssets.sampleBytes(sample)))
        : Map.of("uri", "s3://l2caf/inputs/" + sample));
    r.put("metadata", Map.of("n", n, "sample", sample));
    return r;
  }

  private static Map<String, JsonNode> completionsById(int count) {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> record : harness.read("l2caf.completions", count, Duration.ofSeconds(180))) {
      JsonNode node = ServiceHarness.json(record.value());
      assertEquals(record.key(), node.get("id").asText(), "the Kafka key is the request id");
      byId.put(node.get("id").asText(), node);
    }
    return byId;
  }

  @Test
  void fiftyRequestsGiveFiftyOkCompletionsWithStoredResults() throws Exception {
    for (int i = 0; i < 50; i++) {
      Map<String, Object> request = request("e2e-" + i, SAMPLES.get(i % SAMPLES.size()), i % 2 == 1, i);
      if (i == 0) {
        request.put("outputs", List.of("heatmap_png", "overlay_png", "overlay_jpg", "raw_json"));
      }
      harness.send("e2e-" + i, request);
    }
    Map<String, JsonNode> byId = completionsById(50 + 0);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      JsonNode c = byId.get("e2e-" + i);
      assertNotNull(c, "completion of e2e-" + i);
      assertEquals("ok", c.get("status").asText(), c.toString());
      assertEquals(i, c.get("metadata").get("n").asInt(), "metadata is echoed");
      assertEquals(TestAssets.MODEL_NAME, c.get("model").asText());
      assertEquals(5, c.get("predictions").size());
      assertTrue(c.get("timings").get("total_ms").asLong() >= c.get("timings").get("compute_ms").asLong());
      ids.add(c.get("id").asText());
    }
    assertEquals(50, ids.size());

    // The status API saw them, and batched the burst.
    JsonNode status = ServiceHarness.json(get("api/status").getBytes(StandardCharsets.UTF_8));
    assertTrue(status.get("requests").get("succeeded").asLong() >= 50, status.get("requests").toString());
    long batchedMoreThanOne = 0;
    for (JsonNode bucket : status.get("batchSizes")) {
      if (bucket.get("min").asInt() > 1) {
        batchedMoreThanOne += bucket.get("batches").asLong();
      }
    }
    assertTrue(batchedMoreThanOne > 0, "a burst is batched: " + status.get("batchSizes"));
    assertTrue(status.get("ready").asBoolean());

    // Every stage of the service path was timed; those every request passes, once per request at least.
    Map<String, Long> runs = new HashMap<>();
    status.get("stages").forEach(stage -> runs.put(stage.get("stage").asText(), stage.get("count").asLong()));
    for (String everyRequest : List.of("decode", "forward", "solve", "boxes", "completion_json", "s3_put", "publish")) {
      assertTrue(runs.get(everyRequest) >= 50, everyRequest + ": " + runs);
    }
    assertEquals(Set.of("fetch", "decode", "forward", "solve", "boxes", "heatmap_png", "overlay_png", "overlay_jpg",
        "raw_json", "thumbnail", "completion_json", "s3_put", "publish"), runs.keySet(), runs.toString());

    // Without outputs a request gets no files, only the labels in its completion: the raw grid and the box.
    JsonNode labelsOnly = byId.get("e2e-1").get("explanations").get(0);
    assertEquals(Set.of(), fieldNames(labelsOnly.get("files")));
    assertEquals(4, labelsOnly.get("box").size());
    assertEquals(7, labelsOnly.get("heatmap").size());
    assertEquals(7, labelsOnly.get("heatmap").get(0).size());

    // The stored pictures are real PNGs and JPEGs at the image's size, and the raw grid is the engine's.
    JsonNode dog = byId.get("e2e-0").get("explanations").get(0);
    for (String kind : List.of("heatmap_png", "overlay_png", "overlay_jpg")) {
      byte[] png = store.get(S3Uri.parse(dog.get("files").get(kind).asText())).get(30, TimeUnit.SECONDS);
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertEquals(768, image.getWidth());
      assertEquals(576, image.getHeight());
    }
    JsonNode raw = ServiceHarness.json(store.get(S3Uri.parse(dog.get("files").get("raw_json").asText()))
        .get(30, TimeUnit.SECONDS));
    ClassExplanation expected = Explainer.explain(TestAssets.model(), List.of(TestAssets.sample("dog.jpg")),
        ExplainOptions.defaults()).get(0).explanations().get(0);
    assertEquals(expected.classId().intValue(), dog.get("class").asInt());
    float[][] grid = expected.grid();
    for (int y = 0; y < grid.length; y++) {
      for (int x = 0; x < grid[y].length; x++) {
        assertEquals(grid[y][x], raw.get("heatmap").get(y).get(x).floatValue(), 1e-5, "cell " + y + "," + x);
        assertEquals(raw.get("heatmap").get(y).get(x), dog.get("heatmap").get(y).get(x), "the event's grid is the file's");
      }
    }
    String expectedKey = "s3://l2caf/results/" + TestAssets.MODEL_NAME + "/e2e-0/" + expected.classId() + "/heatmap.json";
    assertEquals(expectedKey, dog.get("files").get("raw_json").asText());
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void poisonGoesToTheDeadLetterTopicAndInvalidRequestsGetErrorCompletions() throws Exception {
    harness.send("poison-1", "this is not JSON".getBytes(StandardCharsets.UTF_8));
    harness.send("poison-2", Map.of("no", "id"));
    harness.send("bad-1", Map.of("id", "bad-1", "image", Map.of("uri", "http://169.254.169.254/latest")));
    harness.send("bad-2", Map.of("id", "bad-2", "image", Map.of("uri", "s3://l2caf/inputs/dog.jpg"), "classes", List.of(5000)));
    harness.send("bad-3", Map.of("id", "bad-3", "image", Map.of("uri", "s3://l2caf/inputs/missing.jpg")));
    harness.send("after-poison", request("after-poison", "dog.jpg", false, 1));

    List<ConsumerRecord<String, byte[]>> dlq = harness.read("l2caf.requests.dlq", 2, Duration.ofSeconds(60));
    assertEquals(2, dlq.size());
    // The two poison records sit on different partitions: their order in the dead-letter topic is not defined.
    ConsumerRecord<String, byte[]> notJson = dlq.stream().filter(r -> "poison-1".equals(r.key())).findFirst().orElseThrow();
    assertEquals("this is not JSON", new String(notJson.value(), StandardCharsets.UTF_8), "original bytes kept");
    for (ConsumerRecord<String, byte[]> r : dlq) {
      assertNotNull(r.headers().lastHeader(CompletionPublisherVerticle.ERROR_HEADER), "reason header on " + r.key());
    }

    Map<String, JsonNode> byId = completionsById(50 + 4);
    assertError(byId.get("bad-1"), "INVALID_REQUEST");
    assertError(byId.get("bad-2"), "UNKNOWN_CLASS");
    assertError(byId.get("bad-3"), "IMAGE_NOT_FOUND");
    assertEquals("ok", byId.get("after-poison").get("status").asText(), "the stream goes on after bad input");
  }

  @Test
  void metricsAreValidPrometheusTextWithThePipelinesCounters() throws Exception {
    String metrics = get("metrics");
    Pattern sample = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$");
    for (String line : metrics.lines().toList()) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertTrue(sample.matcher(line).matches(), "not a sample line: " + line);
      }
    }
    assertTrue(metrics.contains("l2caf_requests_received_total"), "pipeline counters exported");
    assertTrue(metrics.contains("l2caf_stage_duration_seconds_bucket{stage=\"decode\""), "stage histograms exported");
    assertTrue(metrics.contains("vertx_"), "Vert.x metrics exported");
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(runner.statusUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path);
    return response.body();
  }

  private static void assertError(JsonNode completion, String code) {
    assertNotNull(completion);
    assertEquals("error", completion.get("status").asText());
    assertEquals(code, completion.get("error").get("code").asText(), completion.toString());
  }
}
