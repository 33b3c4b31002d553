package dev.l2caf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.engine.Explainer;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.method.Loss;
import dev.l2caf.method.SolverKind;
import dev.l2caf.method.Variant;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelManifest;
import dev.l2caf.model.ModelCache;
import dev.l2caf.soak.EndToEnd;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code l2caf bench}: throughput of each workload side by side in one run, so ratios are comparable on a
 * noisy machine. Model workloads run on pre-decoded inputs.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures, in one run on the same machine: decode + resize of real photos, classification, and L2-CAF",
      "explanations at batch 1 and a larger batch, each as images/s and as a ratio to classification at the same",
      "batch size. Rows, on the reference loss: fast-exact (closed form), fast-iterative (the reference schedule, collapsed where the head",
      "is linear), fast-replay (the same schedule replaying the head each step); auto:LOSS for each --loss and",
      "auto:oblivious (what auto picks for that loss; the solver column says which), slow (a 14x14 layer); then the",
      "whole service path (e2e: inline JPEG requests through embedded Kafka, the worker at max-batch --batch, embedded",
      "S3, completion events) with the default outputs and with every picture asked for (e2e-pictures), as",
      "requests/s and as a ratio to classification at the large batch, measured again just before and just after",
      "each (classify rows of their own; the ratio is to their mean) after the service warmed up for --e2e-warm-up",
      "seconds, each counted over at least 16 batches (completions arrive a batch at a time)."},
    footer = {"", "Examples:", "  bench", "  bench --json", "  bench --batch 32 --seconds 5 --slow-layer expand14", "  bench --no-e2e",
      "  bench --workloads fast-exact,auto:softmax,e2e", "  bench --model /path/to/mobilenet-v2 --loss reference,softmax"})
final class BenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--images", paramLabel = "DIR", defaultValue = "samples", description = "Photos to use (default: ${DEFAULT-VALUE}).")
  Path images;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "The large batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "3", description = "Minimum time per row after warm-up (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--slow-layer", paramLabel = "NAME", description = "Layer of the slow row (default: the model's first named 14x14 layer, e.g. block12 on"
      + " mobilenet-v2-100-224, conv11 on mobilenet-v1-050-224).")
  String slowLayer;

  @Option(names = "--no-e2e", description = "Skip the service-path rows (they start Kafka and S3 here).")
  boolean skipE2e;

  @Option(names = "--workloads", paramLabel = "LIST", split = ",",
      description = "Only these rows, by workload name (decode, fast-exact, fast-iterative, fast-replay, auto:LOSS,"
          + " auto:oblivious, slow, e2e, e2e-pictures); classify always runs, as every ratio needs it (default: all).")
  Set<String> only;

  @Option(names = "--e2e-warm-up", paramLabel = "S", defaultValue = "20",
      description = "Seconds the service runs (every picture asked for) before its rows are measured: the JIT compiles"
          + " the service's code (Kafka, S3 client and server) for minutes after a start (default: ${DEFAULT-VALUE}).")
  double e2eWarmUp;

  @Option(names = "--loss", paramLabel = "LIST", split = ",", defaultValue = "mean-others,softmax",
      description = "Class-specific losses with a row of their own, auto solver (default: ${DEFAULT-VALUE}).")
  List<String> losses;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  /** The e2e rows: the service's default outputs, and every picture besides. */
  private static final Map<String, List<String>> E2E_OUTPUTS = new LinkedHashMap<>();

  static {
    E2E_OUTPUTS.put("e2e", List.of());
    E2E_OUTPUTS.put("e2e-pictures", List.of("heatmap_png", "overlay_png", "overlay_jpg", "raw_json"));
  }

  /**
   * Requests kept waiting during an e2e row, at least: as many as the worker takes in (kafka.max-in-flight, 256),
   * as a backfill's full topic keeps, and three batches. With only three batches of 32 the worker waited for
   * the next requests between batches and closed some half full (ratio 0.38 where 256 gave 0.38-0.49).
   */
  private static final int E2E_BATCHES_QUEUED = 3;
  /**
   * Batches an e2e row counts at least: completions arrive a batch at a time, so the 3 s of the other rows
   * would hold only about five, and one batch more or less moved the ratio by a fifth.
   */
  private static final int E2E_MIN_BATCHES = 16;

  /** @param solver the solver the explanations report, or null for rows without one */
  record Row(String workload, int batch, double imagesPerSecond, double ratioToClassify, double meanIterations,
      String solver) {}

  @Override
  public Integer call() throws IOException {
    List<Path> files = ImageFiles.expand(List.of(images));
    if (files.isEmpty()) {
      throw new ErrorHandler.UsageException("no images in " + images);
    }
    List<byte[]> photos = new ArrayList<>();
    for (Path f : files) {
      photos.add(Files.readAllBytes(f));
    }
    List<Row> rows = new ArrayList<>();
    String modelName;
    try (ModelCache cache = new ModelCache(1); LoadedModel.Lease lease = cache.lease(modelOptions.folder())) {
      LoadedModel loaded = lease.model();
      modelName = loaded.name();
      Map<String, ExplainOptions> workloads = new LinkedHashMap<>();
      // The solver rows compare solvers on one problem, the paper's loss, which every solver can take.
      ExplainOptions paper = ExplainOptions.defaults().withLoss(Loss.REFERENCE);
      workloads.put("fast-exact", paper.withSolver(SolverKind.EXACT));
      workloads.put("fast-iterative", paper.withSolver(SolverKind.ITERATIVE));
      workloads.put("fast-replay", paper.withSolver(SolverKind.REPLAY));
      for (String name : losses) {
        Loss loss = Loss.parse(name);
        workloads.put("auto:" + loss.label(), ExplainOptions.defaults().withLoss(loss));
      }
      workloads.put("auto:oblivious", ExplainOptions.defaults().withVariant(Variant.CLASS_OBLIVIOUS));
      workloads.put("slow", ExplainOptions.defaults()
          .withLayer(slowLayer != null ? slowLayer : middleLayer(loaded)).withSolver(SolverKind.ITERATIVE));
      checkWorkloads(workloads.keySet());

      List<PreparedImage> decoded = new ArrayList<>();
      try (ImagePipeline pipeline = new ImagePipeline(loaded.inputSpec(), ImageLimits.defaults())) {
        if (wanted("decode")) {
          int[] next = {0};
          rows.add(new Row("decode", 1, measure(1, () -> {
            int i = next[0]++ % photos.size();
            pipeline.prepare(files.get(i).toString(), photos.get(i), false);
            return 0.0;
          }), Double.NaN, Double.NaN, null));
        }
        for (int i = 0; i < photos.size(); i++) {
          decoded.add(pipeline.prepare(files.get(i).toString(), photos.get(i), false));
        }
      }
      for (int size : new int[] {1, batch}) {
        List<PreparedImage> inputs = cycle(decoded, size);
        Row classify = classifyRow(loaded, inputs);
        rows.add(classify);
        workloads.forEach((name, options) -> {
          if (wanted(name)) {
            rows.add(explainRow(name, loaded, inputs, options, classify.imagesPerSecond()));
          }
        });
      }
      if (!skipE2e && E2E_OUTPUTS.keySet().stream().anyMatch(this::wanted)) {
        rows.addAll(e2eRows(photos, loaded, cycle(decoded, batch)));
      }
    }
    print(modelName, rows);
    return 0;
  }

  private boolean wanted(String workload) {
    return only == null || only.contains(workload);
  }

  private void checkWorkloads(Set<String> explainWorkloads) {
    if (only == null) {
      return;
    }
    Set<String> known = new TreeSet<>(explainWorkloads);
    known.addAll(List.of("decode", "classify"));
    known.addAll(E2E_OUTPUTS.keySet());
    for (String name : only) {
      if (!known.contains(name)) {
        throw new ErrorHandler.UsageException("unknown workload '" + name + "' (" + String.join(", ", known) + ")");
      }
    }
  }

  private Row classifyRow(LoadedModel model, List<PreparedImage> inputs) {
    double rate = measure(inputs.size(), () -> {
      model.logits(inputs.stream().map(PreparedImage::modelInput).toList());
      return 0.0;
    });
    return new Row("classify", inputs.size(), rate, 1.0, Double.NaN, null);
  }

  /** The first named layer (by name) whose map is twice the last layer's height: slow mode's usual place. */
  private static String middleLayer(LoadedModel model) {
    long lastHeight = height(model, model.layerTensor(ModelManifest.LAST_LAYER));
    return model.layers().keySet().stream().sorted()
        .filter(layer -> height(model, model.layerTensor(layer)) == 2 * lastHeight).findFirst()
        .orElseThrow(() -> new ErrorHandler.UsageException("model " + model.name() + " names no layer of twice the"
            + " last layer's height; choose one with --slow-layer"));
  }

  private static long height(LoadedModel model, String tensor) {
    return model.graph().outputOrThrow(tensor).shape().get(1);
  }

  /**
   * The service path in this process, one row per outputs choice, on one embedded stack, after a warm-up; each
   * row's ratio is to the mean of classify rows measured just before and just after it (this machine's speed
   * drifts within a minute: one classify row beside an e2e row read 68 images/s, the next 135), on this
   * process's model while the service holds its own.
   */
  private List<Row> e2eRows(List<byte[]> photos, LoadedModel model, List<PreparedImage> classifyInputs) {
    List<Row> rows = new ArrayList<>();
    try (EndToEnd service = EndToEnd.start(modelOptions.folder(), batch)) {
      int backlog = Math.max(E2E_BATCHES_QUEUED * batch, service.config().kafka().maxInFlight());
      service.requestsPerSecond(photos, E2E_OUTPUTS.get("e2e-pictures"), backlog, e2eWarmUp, 0);
      for (Map.Entry<String, List<String>> row : E2E_OUTPUTS.entrySet()) {
        if (!wanted(row.getKey())) {
          continue;
        }
        Row before = classifyRow(model, classifyInputs);
        double rate = service.requestsPerSecond(photos, row.getValue(), backlog, seconds, E2E_MIN_BATCHES * batch);
        Row after = classifyRow(model, classifyInputs);
        double classify = (before.imagesPerSecond() + after.imagesPerSecond()) / 2;
        rows.add(before);
        rows.add(new Row(row.getKey(), batch, rate, rate / classify, Double.NaN, null));
        rows.add(after);
      }
    } catch (Exception e) {
      throw new IllegalStateException("the service-path benchmark failed: " + e.getMessage(), e);
    }
    return rows;
  }

  private Row explainRow(String name, LoadedModel model, List<PreparedImage> inputs, ExplainOptions options,
      double classify) {
    double[] iterations = {0, 0};
    Set<String> solvers = new TreeSet<>();
    double rate = measure(inputs.size(), () -> {
      List<ClassExplanation> explanations = Explainer.explain(model, inputs, options).stream()
          .flatMap(r -> r.explanations().stream()).toList();
      iterations[0] += explanations.stream().mapToInt(ClassExplanation::iterations).average().orElse(0);
      iterations[1]++;
      explanations.forEach(e -> solvers.add(e.solver().label()));
      return 0.0;
    });
    return new Row(name, inputs.size(), rate, rate / classify, iterations[0] / iterations[1],
        String.join("+", solvers));
  }

  /** Images per second of {@code run} (which handles {@code imagesPerRun} images), after one warm-up run. */
  private double measure(int imagesPerRun, java.util.concurrent.Callable<Double> run) {
    try {
      run.call();
      long start = System.nanoTime();
      long runs = 0;
      do {
        run.call();
        runs++;
      } while (System.nanoTime() - start < seconds * 1e9);
      return runs * imagesPerRun / ((System.nanoTime() - start) / 1e9);
    } catch (Exception e) {
      throw new IllegalStateException("benchmark run failed: " + e.getMessage(), e);
    }
  }

  private static List<PreparedImage> cycle(List<PreparedImage> images, int size) {
    List<PreparedImage> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(images.get(i % images.size()));
    }
    return out;
  }

  private void print(String modelName, List<Row> rows) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    int threads = Runtime.getRuntime().availableProcessors();
    if (json) {
      ObjectNode node = JSON.createObjectNode().put("model", modelName).put("threads", threads);
      ArrayNode array = node.putArray("rows");
      for (Row r : rows) {
        ObjectNode o = array.addObject().put("workload", r.workload()).put("batch", r.batch())
            .put("images_per_s", round(r.imagesPerSecond()));
        putOrNull(o, "ratio_to_classify", r.ratioToClassify());
        putOrNull(o, "mean_iterations", r.meanIterations());
        o.put("solver", r.solver());
      }
      out.println(JSON.writeValueAsString(node));
    } else {
      out.printf("model %s, %d threads, %.0f s per row%n", modelName, threads, seconds);
      out.printf("%-16s %6s %12s %18s %16s  %s%n", "workload", "batch", "images/s", "ratio to classify",
          "mean iterations", "solver");
      for (Row r : rows) {
        out.printf("%-16s %6d %12.1f %18s %16s  %s%n", r.workload(), r.batch(), r.imagesPerSecond(),
            Double.isNaN(r.ratioToClassify()) ? "-" : String.format("%.3f", r.ratioToClassify()),
            Double.isNaN(r.meanIterations()) ? "-" : String.format("%.0f", r.meanIterations()),
            r.solver() == null ? "-" : r.solver());
      }
    }
    out.flush();
  }

  private static void putOrNull(ObjectNode o, String key, double value) {
    if (Double.isNaN(value)) {
      o.putNull(key);
    } else {
      o.put(key, round(value));
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
