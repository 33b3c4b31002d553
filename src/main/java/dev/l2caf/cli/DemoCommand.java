package dev.l2caf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.embedded.EmbeddedStack;
import dev.l2caf.service.ServiceRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code l2caf demo}: the whole service on this machine with nothing installed: an embedded Kafka broker
 * and S3 server, the same worker as in production, and the sample photos submitted through Kafka.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Starts an embedded Kafka broker (KRaft) and an embedded S3 server (s3proxy over a local folder), then the",
      "worker and its status page, all on 127.0.0.1; submits the sample photos through Kafka, waits for their",
      "completions and prints where the heatmaps are. Keeps serving until Ctrl-C (or exits with --once).",
      "Demo and production run the same worker code; only the endpoints differ."},
    footer = {"", "Examples:",
        "  demo                 then open the status page it prints",
        "  demo --once          exit after the samples' completions (scripts, CI)",
        "  demo --kafka-port 19092 --s3-port 19000 --http-port 18080"})
final class DemoCommand implements Callable<Integer> {
  static final String DEFAULT_ACCESS_KEY = "l2caf";
  static final String DEFAULT_SECRET = "l2caf-demo-secret";

  @Spec CommandSpec spec;

  @Option(names = "--once", description = "Exit after the samples' completions.")
  boolean once;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka bootstrap port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--s3-port", defaultValue = "9000", description = "S3 endpoint port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int s3Port;

  @Option(names = "--http-port", defaultValue = "8080", description = "Status page port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--access-key", defaultValue = DEFAULT_ACCESS_KEY, description = "S3 access key (default: ${DEFAULT-VALUE}).")
  String accessKey;

  @Option(names = "--secret", defaultValue = DEFAULT_SECRET, description = "S3 secret (default: the documented demo secret).")
  String secret;

  @Option(names = "--bucket", defaultValue = "l2caf", description = "Bucket (default: ${DEFAULT-VALUE}).")
  String bucket;

  @Option(names = "--dir", defaultValue = "l2caf-demo", description = "Folder for the broker's log and the objects (default: ./${DEFAULT-VALUE}).")
  Path dir;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--samples", defaultValue = "samples", description = "Images to submit (default: ${DEFAULT-VALUE}).")
  Path samples;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path model = modelOptions.folder(); // before any server starts: a missing model is one message
    Path objects = dir.resolve("objects");
    Files.createDirectories(objects);
    out.printf("l2caf demo: Kafka 127.0.0.1:%d, S3 http://127.0.0.1:%d (access key %s, secret %s, bucket %s),"
        + " status page http://127.0.0.1:%d, data in %s%n", kafkaPort, s3Port, accessKey,
        DEFAULT_SECRET.equals(secret) ? secret : "(given)", bucket, httpPort, dir.toAbsolutePath());
    out.flush();
    try (EmbeddedStack stack = EmbeddedStack.start(kafkaPort, dir.resolve("kafka"), s3Port, objects, accessKey, secret,
        bucket)) {
      ServiceConfig config = stack.config(Map.of(
          "L2CAF_HTTP_PORT", String.valueOf(httpPort),
          "L2CAF_WORKER_MODEL", model.toAbsolutePath().toString(),
          "L2CAF_MODELS", modelOptions.store().root().toString()));
      // The worker stops (finishing its work) before the broker and the S3 server behind it.
      try (ServiceRunner runner = ServiceRunner.start(config)) {
        out.println("worker ready; status page: " + runner.statusUrl());
        out.flush();
        // The demo is for people: ask for overlays (a backfill's default is the raw grid and the box).
        ObjectNode fields = new ObjectMapper().createObjectNode();
        fields.putArray("outputs").add("overlay_png").add("raw_json");
        List<String> failed = SubmitCommand.run(config, List.of(samples.toString()), null,
            fields, false, true, Duration.ofMinutes(10), out, err);
        printFiles(out, objects.resolve(bucket).resolve(config.s3().prefix()));
        out.println("status page: " + runner.statusUrl());
        out.flush();
        if (once) {
          return failed.isEmpty() ? 0 : 1;
        }
        out.println("serving until Ctrl-C; submit more with: java -jar target/l2caf.jar submit IMAGES... "
            + "(L2CAF_S3_ENDPOINT=" + stack.s3().endpoint() + ", AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY as above)");
        out.flush();
        awaitCtrlC();
        return 0;
      }
    } finally {
      stopped.countDown();
    }
  }

  /** The overlays on disk, where people can open them. */
  private static void printFiles(PrintWriter out, Path results) throws java.io.IOException {
    if (!Files.isDirectory(results)) {
      return;
    }
    out.println("heatmaps and overlays on disk under " + results.toAbsolutePath() + ":");
    try (Stream<Path> files = Files.walk(results)) {
      files.filter(p -> p.getFileName().toString().equals("overlay.png")).sorted()
          .forEach(p -> out.println("  " + p.toAbsolutePath()));
    }
  }

  /** Set when everything is closed; Ctrl-C's shutdown hook waits for it, so the worker can stop cleanly. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  private void awaitCtrlC() throws InterruptedException {
    CountDownLatch interrupted = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      interrupted.countDown();
      try {
        stopped.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "l2caf-demo-stop"));
    interrupted.await();
  }
}
