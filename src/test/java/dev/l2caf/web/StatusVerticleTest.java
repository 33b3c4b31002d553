package dev.l2caf.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.config.HttpSettings;
import dev.l2caf.config.Secret;
import dev.l2caf.model.ModelCache;
import dev.l2caf.service.ServiceEvents.ResultSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusVerticleTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final String TOKEN = "correct-horse-battery-staple";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final StatusBoard board = new StatusBoard(registry);
  private final ModelCache cache = new ModelCache(2);
  private Vertx vertx;
  private int port;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    cache.close();
  }

  private void deploy(Optional<Secret> token) throws Exception {
    StatusVerticle verticle =
        new StatusVerticle(new HttpSettings("127.0.0.1", 0, token), board, registry, cache);
    vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = verticle.actualPort();
    assertTrue(port > 0, "listening on a real port");
  }

  private HttpResponse<String> send(String method, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null);
  }

  private void feedThreeSucceededAndOneFailed() {
    for (String id : List.of("req-1", "req-2", "req-3", "req-4")) {
      board.requestReceived(id);
    }
    board.batchProcessed(4, 120.0);
    board.requestSucceeded(new ResultSummary("req-1", "mobilenet", List.of("tabby", "tiger cat"),
        150.0, "s3://l2caf/results/req-1/overlay-0.png", PNG));
    board.requestSucceeded(new ResultSummary("req-2", "mobilenet", List.of("goldfish"), 90.0,
        null, null));
    board.requestSucceeded(new ResultSummary("req-3", "mobilenet", List.of("pug"), 110.0,
        "s3://l2caf/results/req-3/overlay-0.png", PNG));
    board.requestFailed("req-4", "image-too-large", "40000000 pixels exceed the limit");
    board.inFlight(2, false);
    board.consumerLag(Map.of("l2caf.requests-0", 12L, "l2caf.requests-1", 0L));
  }

  @Test
  void apiStatusReflectsTheBoard() throws Exception {
    deploy(Optional.empty());
    feedThreeSucceededAndOneFailed();

    HttpResponse<String> response = get("/api/status");

    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
    JsonNode status = new ObjectMapper().readTree(response.body());
    assertEquals(4, status.at("/requests/received").asLong());
    assertEquals(3, status.at("/requests/succeeded").asLong());
    assertEquals(1, status.at("/requests/failed").asLong());
    assertEquals(4, status.at("/throughput/lastMinute").asLong());
    assertEquals(2, status.at("/inFlight").asInt());
    assertEquals(12, status.at("/lagByPartition/l2caf.requests-0").asLong());
    assertEquals(1, status.at("/batchSizes/2/batches").asLong()); // the 4-7 bucket
    assertEquals(3, status.at("/recentResults").size());
    assertEquals("req-3", status.at("/recentResults/0/id").asText());
    assertEquals(Base64.getEncoder().encodeToString(PNG),
        status.at("/recentResults/0/overlayThumbnail").asText());
    assertEquals("image-too-large", status.at("/recentErrors/0/code").asText());
    assertTrue(status.at("/recentErrors/0/time").asText().endsWith("Z"), "ISO-8601 instant");
    assertEquals(0, status.at("/modelCache/entries").asLong());
    assertFalse(status.at("/ready").asBoolean());
  }

  @Test
  void metricsAreValidPrometheusTextWithTheServiceCounters() throws Exception {
    deploy(Optional.empty());
    feedThreeSucceededAndOneFailed();

    HttpResponse<String> response = get("/metrics");

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElseThrow()
        .startsWith("text/plain; version=0.0.4"));
    Map<String, Double> samples = PrometheusText.parse(response.body());
    assertEquals(4.0, samples.get("l2caf_requests_received_total"));
    assertEquals(3.0, samples.get("l2caf_requests_succeeded_total"));
    assertEquals(1.0, samples.get("l2caf_requests_failed_total{code=\"image-too-large\"}"));
    assertEquals(3.0, samples.get("l2caf_request_duration_seconds_count"));
    assertEquals(1.0, samples.get("l2caf_batch_size_count"));
    assertEquals(2.0, samples.get("l2caf_requests_inflight"));
    assertEquals(12.0, samples.get("l2caf_consumer_lag{partition=\"l2caf.requests-0\"}"));
    assertEquals(0.0, samples.get("l2caf_model_ready"));
  }

  @Test
  void readinessFollowsModelAndPartitions() throws Exception {
    deploy(Optional.empty());

    assertEquals(200, get("/health/live").statusCode());
    assertEquals("{\"status\":\"UP\"}", get("/health/live").body());
    HttpResponse<String> notReady = get("/health/ready");
    assertEquals(503, notReady.statusCode());
    assertTrue(notReady.body().contains("\"status\":\"DOWN\""));

    board.modelReady(true);
    assertEquals(503, get("/health/ready").statusCode());
    board.partitionsAssigned(true);
    HttpResponse<String> ready = get("/health/ready");
    assertEquals(200, ready.statusCode());
    assertTrue(ready.body().contains("\"status\":\"UP\""));
  }

  @Test
  void onlyGetIsAllowed() throws Exception {
    deploy(Optional.empty());

    for (String path : List.of("/", "/api/status", "/metrics", "/health/live")) {
      HttpResponse<String> post = send("POST", path, null);
      assertEquals(405, post.statusCode(), path);
      assertEquals("GET", post.headers().firstValue("allow").orElseThrow());
    }
    assertEquals(405, send("DELETE", "/api/status", null).statusCode());
    assertEquals(404, get("/nothing-here").statusCode());
  }

  @Test
  void bearerTokenGuardsEverythingButTheProbes() throws Exception {
    deploy(Optional.of(new Secret(TOKEN)));

    for (String path : List.of("/", "/api/status", "/metrics")) {
      HttpResponse<String> anonymous = get(path);
      assertEquals(401, anonymous.statusCode(), path);
      assertTrue(anonymous.headers().firstValue("www-authenticate").orElseThrow().startsWith("Bearer"));
      assertEquals(401, send("GET", path, "Bearer wrong-" + TOKEN).statusCode(), path);
      assertEquals(401, send("GET", path, "Basic " + TOKEN).statusCode(), path);
      assertEquals(200, send("GET", path, "Bearer " + TOKEN).statusCode(), path);
    }
    assertEquals(200, send("GET", "/api/status", "bearer " + TOKEN).statusCode(), "scheme is case-insensitive");
    assertEquals(200, get("/health/live").statusCode());
    assertEquals(503, get("/health/ready").statusCode()); // open, and honestly not ready yet
    assertFalse(get("/").body().contains(TOKEN));
  }

  @Test
  void pageEscapesEverythingThatCameWithARequest() throws Exception {
    deploy(Optional.empty());
    String scriptId = "<script>alert(1)</script>";
    String imgTag = "<img src=x onerror=alert(1)>";
    board.requestSucceeded(new ResultSummary(scriptId, "\"quotes'", List.of(imgTag), 10.0,
        "s3://bucket/\"><script>alert(2)</script>", PNG));
    board.requestFailed(scriptId, "<b>code</b>", imgTag + " \"quotes'");
    board.consumerLag(Map.of("<i>topic</i>-0", 3L));

    HttpResponse<String> response = get("/");

    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
    assertTrue(response.headers().firstValue("content-security-policy").orElseThrow()
        .startsWith("default-src 'none'"));
    String html = response.body();
    assertFalse(html.contains("<script>alert"), "raw script tag");
    assertFalse(html.contains("<img src=x"), "raw img tag");
    assertFalse(html.contains("<b>code"), "raw markup in code");
    assertFalse(html.contains("<i>topic"), "raw markup in partition");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assertTrue(html.contains("&quot;quotes&#39;"));
    assertTrue(html.contains("alt=\"overlay of &lt;script&gt;alert(1)&lt;/script&gt;\""));
    assertEquals(1, html.split("<script", -1).length - 1, "only the page's own script");
    assertTrue(html.contains("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG)));
  }

  @Test
  void pageShowsTheFigures() throws Exception {
    deploy(Optional.empty());
    feedThreeSucceededAndOneFailed();
    board.inFlight(2, true);

    String html = get("/").body();

    for (String expected : List.of("Uptime", "Requests done", "Throughput 1 min",
        "Throughput 5 min", "Batch sizes", "Consumer lag", "l2caf.requests-0", "Model cache",
        "consumer paused", "s3://l2caf/results/req-1/overlay-0.png", "tiger cat",
        "40000000 pixels exceed the limit", "not ready: model loading, no partitions")) {
      assertTrue(html.contains(expected), expected);
    }
    assertFalse(html.contains("http://") || html.contains("https://"), "no external resources");
  }

  /** A parser of the Prometheus text exposition format (0.0.4), strict enough to catch errors. */
  static final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile(
        "([a-zA-Z_:][a-zA-Z0-9_:]*)"
            + "(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})?"
            + " ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))"
            + "(?: -?[0-9]+)?");
    private static final Pattern COMMENT = Pattern.compile("# (?:HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    /** Samples by {@code name{labels}}; fails on any line that is not a sample or comment. */
    static Map<String, Double> parse(String text) {
      Map<String, Double> samples = new HashMap<>();
      for (String line : text.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("#")) {
          assertTrue(COMMENT.matcher(line).matches(), "bad comment line: " + line);
          continue;
        }
        Matcher sample = SAMPLE.matcher(line);
        assertTrue(sample.matches(), "bad sample line: " + line);
        String labels = sample.group(2) == null ? "" : sample.group(2);
        String value = sample.group(3);
        double parsed = value.endsWith("Inf")
            ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
            : Double.parseDouble(value);
        samples.put(sample.group(1) + labels, parsed);
      }
      return samples;
    }
  }
}
