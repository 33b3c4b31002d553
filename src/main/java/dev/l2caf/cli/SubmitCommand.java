package dev.l2caf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.ModelLoader;
import dev.l2caf.model.store.ModelStore;
import dev.l2caf.submit.Backfill;
import dev.l2caf.submit.CompletionWatch;
import dev.l2caf.submit.Submission;
import dev.l2caf.submit.Summary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code l2caf submit}: publishes requests for a backfill, and optionally waits for their completions. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Publishes one explanation request per image: local files and folders (uploaded to the bucket first, under",
      "inputs/), every image under an s3:// prefix, or the request objects of a JSON-lines manifest. Request ids",
      "come from file names, so running the same backfill again writes the same result keys; --skip-done resumes",
      "a backfill by skipping ids whose results are already stored. Endpoints come from the worker's configuration."},
    footer = {"", "Examples:",
        "  submit photos/ --wait",
        "  submit s3://l2caf/inputs/2026-11/ --top-k 3 --skip-done --wait",
        "  submit --manifest requests.jsonl",
        "  L2CAF_KAFKA_BOOTSTRAP_SERVERS=kafka:9092 L2CAF_S3_ENDPOINT=http://minio:9000 submit photos/"})
final class SubmitCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "Image files, folders, or s3://bucket/prefix.")
  List<String> sources = new ArrayList<>();

  @Option(names = "--manifest", paramLabel = "FILE", description = "JSON lines, one request object per line.")
  Path manifest;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: config/application.yaml if present).")
  Path config;

  @Option(names = "--top-k", paramLabel = "K", description = "Explain the top K classes of each image.")
  Integer topK;

  @Option(names = "--class", paramLabel = "ID", description = "Class to explain (repeatable).")
  List<Integer> classes = new ArrayList<>();

  @Option(names = "--model", paramLabel = "NAME", description = "Model folder name (default: the worker's).")
  String model;

  @Option(names = "--layer", paramLabel = "NAME", description = "Layer to filter (default: last).")
  String layer;

  @Option(names = "--wait", description = "Wait for every completion and print a summary.")
  boolean await;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", description = "Longest wait with --wait (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--skip-done", description = "Skip ids whose results are already stored.")
  boolean skipDone;

  @Override
  public Integer call() {
    if (sources.isEmpty() && manifest == null) {
      throw new ErrorHandler.UsageException("give images, folders, s3:// prefixes or --manifest");
    }
    ServiceConfig settings = WorkerCommand.load(config);
    return run(settings, sources, manifest, template(), skipDone, await, Duration.ofSeconds(timeoutSeconds),
        spec.commandLine().getOut(), spec.commandLine().getErr()).isEmpty() || !await ? 0 : 1;
  }

  private ObjectNode template() {
    ObjectNode t = JSON.createObjectNode();
    if (topK != null) {
      t.put("top_k", topK);
    }
    if (!classes.isEmpty()) {
      classes.forEach(t.putArray("classes")::add);
    }
    if (model != null) {
      t.put("model", model);
    }
    if (layer != null) {
      t.put("layer", layer);
    }
    return t;
  }

  /**
   * Publishes the requests and, with {@code await}, waits for their completions and prints a summary.
   *
   * @return the ids that failed or got no completion (empty when all went well or when not waiting)
   */
  static List<String> run(ServiceConfig settings, List<String> sources, Path manifest, ObjectNode template,
      boolean skipDone, boolean await, Duration timeout, PrintWriter out, PrintWriter err) {
    try (Backfill backfill = new Backfill(settings)) {
      List<Submission> submissions = new ArrayList<>();
      err.println("collecting requests" + (sources.stream().anyMatch(s -> !s.startsWith("s3://")) ? " (uploading local images)" : ""));
      err.flush();
      submissions.addAll(backfill.fromSources(sources, template, file -> { }));
      if (manifest != null) {
        submissions.addAll(Backfill.fromManifest(manifest));
      }
      if (skipDone) {
        String modelName = resultModelName(settings, template.path("model").asText(null));
        int before = submissions.size();
        submissions.removeIf(s -> backfill.isDone(s.id(), modelName));
        err.printf("skipping %d requests whose results are stored%n", before - submissions.size());
      }
      try (CompletionWatch watch = await
          ? new CompletionWatch(settings.kafka().bootstrapServers(), settings.kafka().completionsTopic()) : null) {
        try (ProgressBar bar = ProgressBars.on(err, "submit", submissions.size())) {
          for (Submission s : submissions) {
            backfill.publish(s);
            bar.step();
          }
        }
        err.println();
        out.printf("published %d requests to %s%n", submissions.size(), settings.kafka().requestsTopic());
        if (!await) {
          out.flush();
          return List.of();
        }
        Map<String, JsonNode> completions;
        try (ProgressBar bar = ProgressBars.on(err, "complete", submissions.size())) {
          completions = watch.await(new HashSet<>(submissions.stream().map(Submission::id).toList()), timeout,
              c -> bar.step());
        }
        err.println();
        Summary.print(out, submissions, completions);
        List<String> bad = new ArrayList<>(Summary.missing(submissions, completions));
        completions.forEach((id, c) -> {
          if (!"ok".equals(c.path("status").asText())) {
            bad.add(id);
          }
        });
        return bad;
      }
    }
  }

  /**
   * The model name results are stored under: the manifest's name of the request's model. Models in the store
   * are named by their manifest's name; the default may also be a folder or an s3:// folder.
   */
  private static String resultModelName(ServiceConfig settings, String requested) {
    if (requested != null) {
      return requested;
    }
    String reference = settings.worker().model();
    if (!ModelStore.isFolderReference(reference)) {
      return reference;
    }
    String trimmed = reference.replaceAll("/+$", "");
    if (!reference.regionMatches(true, 0, "s3://", 0, 5)) {
      try {
        return ModelLoader.readManifest(Path.of(trimmed)).name();
      } catch (ModelException notHere) {
        // fall through: the folder's own name
      }
    }
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }
}
