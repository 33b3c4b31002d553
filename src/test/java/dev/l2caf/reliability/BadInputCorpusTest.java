package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.l2caf.TestAssets;
import dev.l2caf.image.TestImages;
import dev.l2caf.service.ServiceHarness;
import dev.l2caf.service.ServiceRunner;
import dev.l2caf.store.ObjectStore;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every bad input of the corpus, through the real pipeline, each followed by a valid request: each gets
 * its expected outcome (the dead-letter topic or a named error), the valid one right after it succeeds,
 * nothing crashes or hangs, and no secret appears in logs, the status API or error events.
 */
class BadInputCorpusTest {
  private static final String BEARER = "bearer-token-never-shown-0042";

  /** A bad input and what must come of it: a completion code, "ok", or "DLQ". */
  private record Case(String name, byte[] record, String expected) {}

  private static final List<Case> CASES = new ArrayList<>();

  private static Case request(String name, Map<String, Object> fields, String expected) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", name);
    request.putAll(fields);
    try {
      return new Case(name, ServiceHarness.JSON.writeValueAsBytes(request), expected);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> inline(byte[] bytes) {
    return Map.of("image", Map.of("base64", Base64.getEncoder().encodeToString(bytes)));
  }

  private static Map<String, Object> dog(Map<String, Object> more) {
    Map<String, Object> fields = new LinkedHashMap<>(Map.of("image", Map.of("uri", "s3://l2caf/inputs/dog.jpg")));
    fields.putAll(more);
    return fields;
  }

  static {
    byte[] dog = TestAssets.sampleBytes("dog.jpg");
    CASES.add(new Case("not-json", "{this is not json".getBytes(StandardCharsets.UTF_8), "DLQ"));
    CASES.add(new Case("json-without-id", "{\"image\":{\"uri\":\"s3://l2caf/inputs/dog.jpg\"}}".getBytes(), "DLQ"));
    CASES.add(new Case("id-climbing", "{\"id\":\"../x\",\"image\":{\"uri\":\"s3://l2caf/inputs/dog.jpg\"}}".getBytes(), "DLQ"));
    CASES.add(new Case("id-with-slash", "{\"id\":\"a/b\",\"image\":{\"uri\":\"s3://l2caf/inputs/dog.jpg\"}}".getBytes(), "DLQ"));
    CASES.add(new Case("id-200-chars", ("{\"id\":\"" + "x".repeat(200) + "\",\"image\":{\"base64\":\"AA==\"}}").getBytes(), "DLQ"));
    CASES.add(new Case("two-ids", "{\"id\":\"two-ids-a\",\"image\":{\"uri\":\"s3://l2caf/inputs/dog.jpg\"},\"id\":\"two-ids-b\"}".getBytes(), "DLQ"));
    CASES.add(new Case("nesting-1000-deep", ("{\"id\":\"nesting-1000-deep\",\"image\":{\"uri\":\"s3://l2caf/inputs/dog.jpg\"},\"metadata\":"
        + "[".repeat(1000) + "]".repeat(1000) + "}").getBytes(), "DLQ"));
    CASES.add(new Case("duplicate-key", "{\"id\":\"duplicate-key\",\"image\":{\"uri\":\"s3://l2caf/inputs/dog.jpg\"},\"top_k\":1,\"top_k\":3}".getBytes(), "INVALID_REQUEST"));
    CASES.add(new Case("duplicate-uri", "{\"id\":\"duplicate-uri\",\"image\":{\"uri\":\"s3://l2caf/inputs/dog.jpg\",\"uri\":\"s3://l2caf/inputs/nothing-here.jpg\"}}".getBytes(), "INVALID_REQUEST"));
    CASES.add(request("unknown-field", dog(Map.of("colour", "blue")), "INVALID_REQUEST"));
    CASES.add(request("wrong-type", dog(Map.of("top_k", "three")), "INVALID_REQUEST"));
    CASES.add(request("invalid-base64", Map.of("image", Map.of("base64", "@@not base64@@")), "INVALID_REQUEST"));
    CASES.add(request("base64-over-limit", inline(new byte[300_000]), "IMAGE_TOO_LARGE"));
    CASES.add(request("empty-image", inline(new byte[0]), "IMAGE_CORRUPT"));
    CASES.add(request("truncated-jpeg", inline(Arrays.copyOf(dog, dog.length / 2)), "IMAGE_CORRUPT"));
    CASES.add(request("png-50000x50000", inline(TestImages.pngHeaderOnly(50_000, 50_000)), "IMAGE_TOO_LARGE"));
    CASES.add(request("zip-bytes", inline(zip()), "IMAGE_UNSUPPORTED"));
    CASES.add(request("gif-bytes", inline(gif()), "IMAGE_UNSUPPORTED"));
    CASES.add(request("webp-bytes", inline("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1)), "IMAGE_UNSUPPORTED"));
    CASES.add(request("svg-bytes", inline("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes()), "IMAGE_UNSUPPORTED"));
    CASES.add(request("png-16-bit", inline(TestImages.png(new BufferedImage(64, 48, BufferedImage.TYPE_USHORT_GRAY))), "ok"));
    CASES.add(request("png-palette", inline(palettePng()), "ok"));
    CASES.add(request("jpeg-cmyk", inline(TestImages.resource("cmyk.jpg")), "ok"));
    CASES.add(request("jpeg-gray", inline(TestImages.jpeg(TestImages.gray(96, 64, 90))), "ok"));
    CASES.add(request("huge-exif", inline(TestImages.withApp1(TestImages.jpeg(TestImages.quadrants(96, 64)), hugeExif())), "ok"));
    CASES.add(request("class-out-of-range", dog(Map.of("classes", List.of(1001))), "UNKNOWN_CLASS"));
    CASES.add(request("negative-top-k", dog(Map.of("top_k", -2)), "INVALID_REQUEST"));
    CASES.add(request("unknown-model", dog(Map.of("model", "no-such-model")), "UNKNOWN_MODEL"));
    CASES.add(request("unknown-layer", dog(Map.of("layer", "conv99")), "UNKNOWN_LAYER"));
    CASES.add(request("unknown-filter", dog(Map.of("filter", "box")), "INVALID_REQUEST"));
    CASES.add(request("unknown-solver", dog(Map.of("solver", "magic")), "INVALID_REQUEST"));
    CASES.add(request("bucket-not-allowed", Map.of("image", Map.of("uri", "s3://other-bucket/x.jpg")), "IMAGE_ACCESS_DENIED"));
    CASES.add(request("missing-object", Map.of("image", Map.of("uri", "s3://l2caf/inputs/nothing-here.jpg")), "IMAGE_NOT_FOUND"));
    CASES.add(request("http-url", Map.of("image", Map.of("uri", "http://169.254.169.254/latest/meta-data")), "INVALID_REQUEST"));
    CASES.add(request("script-in-metadata", dog(Map.of("metadata", Map.of("note", "<script>alert(1)</script>"),
        "classes", List.of(-5))), "UNKNOWN_CLASS"));
  }

  @Test
  void everyBadInputGetsItsOutcomeAndTheNextRequestSucceeds() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try (ServiceHarness harness = new ServiceHarness(Map.of("L2CAF_HTTP_PORT", "0",
        "L2CAF_WORKER_MAX_IMAGE_BYTES", "200000", "L2CAF_HTTP_BEARER_TOKEN", BEARER))) {
      try (ObjectStore store = ObjectStore.create(harness.config.s3())) {
        store.put("inputs/dog.jpg", TestAssets.sampleBytes("dog.jpg"), "image/jpeg").get(30, TimeUnit.SECONDS);
      }
      try (ServiceRunner runner = ServiceRunner.start(harness.config)) {
        int valid = 0;
        for (Case c : CASES) {
          harness.send(c.name(), c.record());
          harness.send("valid-after-" + c.name(), Map.of("id", "valid-after-" + c.name(),
              "image", Map.of("uri", "s3://l2caf/inputs/dog.jpg"), "outputs", List.of("raw_json")));
          valid++;
        }
        long dlq = CASES.stream().filter(c -> c.expected().equals("DLQ")).count();
        int completions = CASES.size() - (int) dlq + valid;
        Map<String, JsonNode> byId = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : harness.read("l2caf.completions", completions, Duration.ofSeconds(180))) {
          byId.put(r.key(), ServiceHarness.json(r.value()));
        }
        List<ConsumerRecord<String, byte[]>> deadLetters = harness.read("l2caf.requests.dlq", (int) dlq, Duration.ofSeconds(30));
        assertEquals(dlq, deadLetters.size(), "dead letters");
        for (Case c : CASES) {
          JsonNode after = byId.get("valid-after-" + c.name());
          assertNotNull(after, "no completion for the valid request after " + c.name());
          assertEquals("ok", after.get("status").asText(), "the valid request after " + c.name());
          if (c.expected().equals("DLQ")) {
            assertTrue(deadLetters.stream().anyMatch(d -> Arrays.equals(d.value(), c.record())),
                c.name() + " is in the dead-letter topic with its original bytes");
            continue;
          }
          JsonNode completion = byId.get(c.name());
          assertNotNull(completion, "no completion for " + c.name());
          String outcome = completion.get("status").asText().equals("ok") ? "ok" : completion.get("error").get("code").asText();
          assertEquals(c.expected(), outcome, c.name() + ": " + completion);
        }
        assertEquals("<script>alert(1)</script>", byId.get("script-in-metadata").get("metadata").get("note").asText(),
            "metadata is echoed as data (the status page escapes it)");

        String status = get(runner.statusUrl() + "api/status", BEARER);
        String page = get(runner.statusUrl(), BEARER);
        assertFalse(page.contains("<script>alert(1)</script>"), "request text is escaped on the page");
        assertNoSecret(status, "/api/status");
        assertNoSecret(page, "the status page");
        byId.values().forEach(c -> assertNoSecret(c.toString(), "completion " + c.get("id")));
      }
    } finally {
      root.detachAppender(logs);
    }
    for (ILoggingEvent event : logs.list) {
      assertNoSecret(event.getFormattedMessage(), "a log line");
      if (event.getThrowableProxy() != null) {
        assertNoSecret(event.getThrowableProxy().getMessage() == null ? "" : event.getThrowableProxy().getMessage(), "a logged exception");
      }
    }
  }

  private static void assertNoSecret(String text, String where) {
    assertFalse(text.contains(ServiceHarness.SECRET), "the S3 secret appears in " + where);
    assertFalse(text.contains(BEARER), "the bearer token appears in " + where);
  }

  private static String get(String url, String token) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  private static byte[] zip() {
    try {
      var bytes = new java.io.ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        zip.putNextEntry(new ZipEntry("a.txt"));
        zip.write("hello".getBytes());
      }
      return bytes.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gif() {
    try {
      var bytes = new java.io.ByteArrayOutputStream();
      ImageIO.write(TestImages.solid(8, 8, 0xFF0000), "gif", bytes);
      return bytes.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] palettePng() {
    byte[] r = {(byte) 255, 0, 0, (byte) 255};
    byte[] g = {0, (byte) 255, 0, (byte) 255};
    byte[] b = {0, 0, (byte) 255, (byte) 255};
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
    return TestImages.png(image);
  }

  /** An EXIF block of 60 KB: a valid TIFF header and IFD, then padding. */
  private static byte[] hugeExif() {
    byte[] exif = new byte[60_000];
    byte[] header = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0};
    System.arraycopy(header, 0, exif, 0, header.length);
    return exif;
  }
}
