package dev.l2caf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.TestAssets;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.embedded.EmbeddedKafka;
import dev.l2caf.embedded.EmbeddedS3;
import dev.l2caf.service.ServiceRunner;
import dev.l2caf.store.ObjectKeys;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.S3Uri;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Backfills with {@code submit} against a running worker (real Kafka broker, real S3 server, real model):
 * local folders, s3:// prefixes and manifests, the summary, the failed ids, and resuming with --skip-done.
 *
 * <p>The command reads its endpoints from config/application.yaml and the process environment, which a test
 * cannot set, and the S3 keys only from the environment; so most cases call {@link SubmitCommand#run} with the
 * test's configuration, and the manifest case, which needs no S3 access, also goes through the real command
 * line with {@code --config}.
 */
class SubmitCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS_KEY = "submit-access";
  private static final String SECRET = "submit-secret-value-1234";
  private static final String MODEL = TestAssets.MODEL_NAME;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static EmbeddedKafka kafka;
  private static EmbeddedS3 s3;
  private static ServiceConfig config;
  private static ServiceRunner runner;
  private static ObjectStore store;

  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(0);
    s3 = EmbeddedS3.startInMemory(0, ACCESS_KEY, SECRET);
    s3.createBucket("l2caf");
    kafka.createTopics(Map.of("l2caf.requests", 3, "l2caf.completions", 1, "l2caf.requests.dlq", 1));
    config = ServiceConfig.fromEnvironment(Map.of(
        "L2CAF_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "L2CAF_S3_ENDPOINT", s3.endpoint().toString(),
        "AWS_ACCESS_KEY_ID", ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET,
        "L2CAF_KAFKA_GROUP_ID", "submit-test-" + UUID.randomUUID(),
        "L2CAF_HTTP_PORT", "0")).withModelStore(TestAssets.MODEL_STORE);
    runner = ServiceRunner.start(config);
    store = ObjectStore.create(config.s3());
  }

  @AfterAll
  static void stop() throws Exception {
    if (runner != null) {
      runner.close();
    }
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** What one run printed and returned. */
  private record Run(List<String> bad, String out, String err) {
    @Override
    public String toString() {
      return "stdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private static Run submit(List<String> sources, Path manifest, ObjectNode template, boolean skipDone) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> bad = SubmitCommand.run(config, sources, manifest, template, skipDone, true, TIMEOUT,
        new PrintWriter(out), new PrintWriter(err));
    return new Run(bad, out.toString(), err.toString());
  }

  /** The summary row of {@code id}: its id, status and top class or error code. */
  private static void assertRow(Run run, String id, String status, String detail) {
    Pattern row = Pattern.compile("(?m)^" + Pattern.quote(id) + " +" + status + " +" + Pattern.quote(detail));
    assertTrue(row.matcher(run.out()).find(), "a row '" + id + " " + status + " " + detail + "' in\n" + run);
  }

  private static boolean stored(String key) throws Exception {
    return store.exists(key).get(30, TimeUnit.SECONDS);
  }

  /** Records ever published to the requests topic (the sum of its partitions' end offsets). */
  private static long requestsPublished() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor("l2caf.requests", Duration.ofSeconds(30)).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static String base64(String sample) {
    return Base64.getEncoder().encodeToString(TestAssets.sampleBytes(sample));
  }

  /** The model's top-1 label for a sample, computed here from its logits. */
  private static String topLabel(String sample) {
    float[] logits = TestAssets.model().logits(List.of(TestAssets.sample(sample).modelInput()))[0];
    int best = 0;
    for (int k = 1; k < logits.length; k++) {
      best = logits[k] > logits[best] ? k : best;
    }
    return TestAssets.model().labels().name(best).split(",")[0]; // the table shortens long labels
  }

  @Test
  void aLocalFolderIsUploadedExplainedAndSkippedWhenResumed() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("photos"));
    for (String name : List.of("dog.jpg", "eagle.jpg", "giraffe.jpg")) {
      Files.write(folder.resolve(name), TestAssets.sampleBytes(name));
    }
    Files.writeString(folder.resolve("notes.txt"), "not an image");

    // Pictures are asked for: the service's default is the raw grid only.
    ObjectNode withOverlays = JSON.createObjectNode();
    withOverlays.putArray("outputs").add("overlay_png").add("raw_json");
    Run first = submit(List.of(folder.toString()), null, withOverlays, false);

    assertEquals(List.of(), first.bad(), first.toString());
    assertTrue(first.out().contains("published 3 requests to l2caf.requests"), first.toString());
    assertTrue(first.out().contains("3 submitted: 3 ok, 0 failed, 0 without a completion yet"), first.toString());
    assertTrue(first.out().contains("latency (request read to completion): p50 "), first.toString());
    assertTrue(first.err().contains("(uploading local images)"), first.toString());
    assertRow(first, "dog.jpg", "ok", topLabel("dog.jpg"));
    assertRow(first, "eagle.jpg", "ok", "");
    assertRow(first, "giraffe.jpg", "ok", "");
    assertTrue(first.out().contains("s3://l2caf/results/" + MODEL + "/dog.jpg/"), "overlay URIs: " + first);
    for (String id : List.of("dog.jpg", "eagle.jpg", "giraffe.jpg")) {
      assertTrue(stored("inputs/" + id), "uploaded under inputs/: " + id);
      assertTrue(stored(ObjectKeys.forCompletion("results", MODEL, id)), "results stored: " + id);
    }
    assertFalse(stored("inputs/notes.txt"), "only images are submitted");

    // (d) The same backfill again with --skip-done: every id is done, nothing is published.
    long before = requestsPublished();
    Run again = submit(List.of(folder.toString()), null, JSON.createObjectNode(), true);
    assertEquals(List.of(), again.bad(), again.toString());
    assertTrue(again.out().contains("published 0 requests"), again.toString());
    assertTrue(again.err().contains("skipping 3 requests whose results are stored"), again.toString());
    assertEquals(before, requestsPublished(), "no request records were written");
  }

  @Test
  void everyImageUnderAnS3PrefixIsExplained() throws Exception {
    for (String name : List.of("dog.jpg", "horses.jpg", "person.jpg")) {
      store.put("batch/" + name, TestAssets.sampleBytes(name), "image/jpeg").get(30, TimeUnit.SECONDS);
    }
    store.put("batch/readme.txt", "not an image".getBytes(StandardCharsets.UTF_8), "text/plain")
        .get(30, TimeUnit.SECONDS);
    store.put("other/scream.jpg", TestAssets.sampleBytes("scream.jpg"), "image/jpeg").get(30, TimeUnit.SECONDS);

    ObjectNode template = JSON.createObjectNode().put("top_k", 2);
    Run run = submit(List.of("s3://l2caf/batch/"), null, template, false);

    assertEquals(List.of(), run.bad(), run.toString());
    assertTrue(run.out().contains("published 3 requests to l2caf.requests"), "images under the prefix only: " + run);
    assertTrue(run.out().contains("3 submitted: 3 ok, 0 failed, 0 without a completion yet"), run.toString());
    assertFalse(run.err().contains("uploading"), "nothing to upload: " + run);
    for (String id : List.of("batch_dog.jpg", "batch_horses.jpg", "batch_person.jpg")) {
      assertRow(run, id, "ok", "");
      assertTrue(stored(ObjectKeys.forCompletion("results", MODEL, id)), "results stored: " + id);
    }
    // The template applies: two explained classes for the dog.
    String dogCompletion = new String(store.get(S3Uri.parse(
        "s3://l2caf/" + ObjectKeys.forCompletion("results", MODEL, "batch_dog.jpg"))).get(30, TimeUnit.SECONDS),
        StandardCharsets.UTF_8);
    assertEquals(2, JSON.readTree(dogCompletion).get("explanations").size(), dogCompletion);
  }

  @Test
  void aManifestReportsItsFailedIds() throws Exception {
    Path manifest = temp.resolve("requests.jsonl");
    Files.writeString(manifest, String.join("\n",
        "{\"id\": \"m-ok\", \"image\": {\"base64\": \"" + base64("eagle.jpg") + "\"}, \"metadata\": {\"line\": 1}}",
        "",
        "{\"id\": \"m-bad\", \"image\": {\"base64\": \"" + base64("dog.jpg") + "\"}, \"classes\": [5000]}",
        ""));

    Run run = submit(List.of(), manifest, JSON.createObjectNode(), false);

    assertEquals(List.of("m-bad"), run.bad(), run.toString());
    assertTrue(run.out().contains("published 2 requests to l2caf.requests"), run.toString());
    assertTrue(run.out().contains("2 submitted: 1 ok, 1 failed, 0 without a completion yet"), run.toString());
    assertTrue(Pattern.compile("(?m)^  UNKNOWN_CLASS +1$").matcher(run.out()).find(), run.toString());
    assertRow(run, "m-ok", "ok", "");
    assertRow(run, "m-bad", "error", "UNKNOWN_CLASS");
    assertFalse(run.err().contains("uploading"), run.toString());
  }

  @Test
  void theCommandLineRunsAManifestWithAConfigurationFile() throws Exception {
    Path yaml = temp.resolve("application.yaml");
    Files.writeString(yaml, "kafka:\n  bootstrap-servers: " + kafka.bootstrapServers() + "\n"
        + "s3:\n  endpoint: " + s3.endpoint() + "\n");
    Path manifest = temp.resolve("cli.jsonl");
    Files.writeString(manifest,
        "{\"id\": \"cli-ok\", \"image\": {\"base64\": \"" + base64("giraffe.jpg") + "\"}}\n"
            + "{\"id\": \"cli-bad\", \"image\": {\"base64\": \"" + base64("dog.jpg") + "\"}, \"classes\": [5000]}\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("submit", "--config", yaml.toString(), "--manifest", manifest.toString(), "--wait",
        "--timeout", String.valueOf(TIMEOUT.toSeconds()));

    String printed = "stdout:\n" + out + "\nstderr:\n" + err;
    assertEquals(1, exit, "one request failed: " + printed);
    assertTrue(out.toString().contains("2 submitted: 1 ok, 1 failed, 0 without a completion yet"), printed);
    assertTrue(Pattern.compile("(?m)^cli-bad +error +UNKNOWN_CLASS").matcher(out.toString()).find(), printed);
  }

  @Test
  void theCommandLineRefusesASubmitWithNothingToSubmit() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("submit"), err.toString());
    assertTrue(err.toString().contains("give images, folders, s3:// prefixes or --manifest"), err.toString());
  }
}
