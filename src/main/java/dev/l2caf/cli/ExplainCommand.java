package dev.l2caf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.engine.Explainer;
import dev.l2caf.engine.ExplanationImages;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.engine.Prediction;
import dev.l2caf.image.ImageException;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.image.ResizeMode;
import dev.l2caf.method.FilterType;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.Method;
import dev.l2caf.method.Mode;
import dev.l2caf.method.SolverKind;
import dev.l2caf.method.Variant;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code l2caf explain}: heatmaps, overlays, boxes and predictions for images on disk. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Explains the classification of each image with an L2-CAF heatmap, written as a grayscale PNG and an",
      "overlay PNG per (image, class), with a bounding box (weak localization label) and the top-5 predictions.",
      "Class ids are the model's output indices, as in its labels file."},
    footer = {"", "Examples:",
        "  explain samples/dog.jpg                          top-1 class, exact solver, files in ./l2caf-out/dog/",
        "  explain samples/dog.jpg --class 251 --class 444  two chosen classes",
        "  explain samples/ --top-k 3 --json > out.jsonl     every image of a folder, one JSON object per line",
        "  explain samples/dog.jpg --layer expand14          slow mode at a 14x14 layer (iterative)",
        "  explain samples/dog.jpg --variant class-oblivious keep the whole output instead of one class",
        "  explain samples/dog.jpg --method gradcam         a baseline, with the same outputs",
        "", "Exit status: 0 all explained, 1 some images failed (each reported), 2 bad options or model."})
final class ExplainCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "IMAGE_OR_DIR", arity = "1..*", description = "JPEG or PNG files, or folders of them.")
  List<Path> inputs;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--layer", paramLabel = "NAME", defaultValue = "last",
      description = "Layer to filter: a name from model.yaml (last, expand14, block13, ...) or a tensor name (default: ${DEFAULT-VALUE}).")
  String layer;

  @Option(names = "--mode", paramLabel = "fast|slow",
      description = "fast: the last conv layer, tolerance 1e-4; slow: any layer, tolerance 1e-6 (default: fast at 'last', slow elsewhere).")
  String mode;

  @Option(names = "--method", paramLabel = "l2caf|cam|gradcam|random", defaultValue = "l2caf",
      description = "L2-CAF, or a baseline with the same outputs: CAM, Grad-CAM, a random map (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--solver", paramLabel = "auto|exact|iterative|collapsed|replay", defaultValue = "auto",
      description = {"exact: closed form for a linear loss and an l2norm filter through an affine head; iterative: the",
          "reference Adam loop, collapsed (on G, logits affine in the filter) where the head is affine, else replay (the head",
          "each step); auto: exact where it applies, else iterative (default: ${DEFAULT-VALUE})."})
  String solver;

  @Option(names = "--loss", paramLabel = "reference|mean-others|softmax", defaultValue = Loss.DEFAULT_LABEL,
      description = {"Class-specific loss of the filtered logits z', target t: reference -z_t + sum_{j!=t} z_j (the paper's),",
          "mean-others -z_t + mean_{j!=t} z_j, softmax -log softmax(z')_t (default: ${DEFAULT-VALUE})."})
  String loss;

  @Option(names = "--heat", paramLabel = "abs|positive", defaultValue = Heat.DEFAULT_LABEL,
      description = {"How the filter u becomes the heatmap: abs |u| (the paper's; also shows the regions the filter",
          "inverts to suppress other classes), positive max(u, 0) (only the evidence for the class) (default: ${DEFAULT-VALUE})."})
  String heat;

  @Option(names = "--variant", paramLabel = "class-specific|class-oblivious", defaultValue = "class-specific",
      description = "Explain one class, or the whole output (default: ${DEFAULT-VALUE}).")
  String variant;

  @Option(names = "--class", paramLabel = "ID", description = "Class to explain (repeatable); default: the model's top-k.")
  List<Integer> classes = new ArrayList<>();

  @Option(names = "--top-k", paramLabel = "K", defaultValue = "1", description = "Explain the top K predicted classes (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--filter", paramLabel = "l2norm|softmax|gauss", defaultValue = "l2norm", description = "Filter type (default: ${DEFAULT-VALUE}).")
  String filter;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the filter's random start (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Images per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--box-threshold", paramLabel = "F", defaultValue = "0.2",
      description = "Bounding boxes keep heatmap values above this fraction of the max (default: ${DEFAULT-VALUE}).")
  double boxThreshold;

  @Option(names = "--center-crop", description = "Crop the central square before resizing (default: squash the whole image, like the reference).")
  boolean centerCrop;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "l2caf-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Print one JSON object per image on stdout (logs and progress go to stderr).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1");
    }
    ExplainOptions options = options();
    List<Path> files = ImageFiles.expand(inputs);
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    int failed = 0;
    try (ModelCache cache = new ModelCache(1);
         LoadedModel.Lease lease = cache.lease(modelOptions.folder())) {
      LoadedModel loaded = lease.model();
      Explainer.plan(loaded, options); // fail on bad options before decoding anything
      var spec = centerCrop ? loaded.inputSpec().withResizeMode(ResizeMode.CENTER_CROP) : loaded.inputSpec();
      OutputNames names = new OutputNames(out);
      try (ImagePipeline pipeline = new ImagePipeline(spec, ImageLimits.defaults());
           ProgressBar progress = progressBar(files.size(), stderr)) {
        for (int start = 0; start < files.size(); start += batchSize) {
          List<Path> batch = files.subList(start, Math.min(files.size(), start + batchSize));
          // Parallel lists: the engine returns one result per prepared image, in order.
          List<PreparedImage> prepared = new ArrayList<>();
          List<Path> preparedFiles = new ArrayList<>();
          List<Double> decodeMs = new ArrayList<>();
          for (Path file : batch) {
            long t0 = System.nanoTime();
            try {
              prepared.add(pipeline.prepare(file.toString(), Files.readAllBytes(file), true));
              preparedFiles.add(file);
              decodeMs.add((System.nanoTime() - t0) / 1e6);
            } catch (ImageException | IOException e) {
              failed++;
              reportFailure(stdout, stderr, file, e);
              step(progress);
            }
          }
          List<ImageExplanation> results = Explainer.explain(loaded, prepared, options);
          for (int i = 0; i < results.size(); i++) {
            ImageExplanation result = results.get(i);
            PreparedImage image = prepared.get(i);
            long t0 = System.nanoTime();
            Path folder = names.folderFor(preparedFiles.get(i));
            Map<ClassExplanation, Map<String, Path>> written = write(folder, result, image);
            Map<String, Double> timings = new LinkedHashMap<>();
            timings.put("decode", decodeMs.get(i));
            timings.putAll(result.timingsMs());
            timings.put("render", (System.nanoTime() - t0) / 1e6);
            if (json) {
              stdout.println(JSON.writeValueAsString(toJson(result, written, timings)));
            } else {
              printSummary(stdout, result, written);
            }
            stdout.flush();
            step(progress);
          }
        }
      }
      if (files.size() > 1) {
        stderr.println(); // end the progress bar's line
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private ExplainOptions options() {
    ExplainOptions o = ExplainOptions.defaults()
        .withLayer(layer)
        .withSolver(SolverKind.parse(solver))
        .withVariant(Variant.parse(variant))
        .withLoss(Loss.parse(loss))
        .withHeat(Heat.parse(heat))
        .withClasses(classes)
        .withTopK(topK)
        .withFilter(FilterType.parse(filter))
        .withSeed(seed)
        .withBoxThreshold(boxThreshold)
        .withMethod(Method.parse(method));
    return mode == null ? o : o.withMode(Mode.parse(mode));
  }

  /** A progress bar for more than one image; none (null) for a single image. */
  private static ProgressBar progressBar(int total, PrintWriter stderr) {
    return total <= 1 ? null : ProgressBars.on(stderr, "explain", total);
  }

  private static void step(ProgressBar progress) {
    if (progress != null) {
      progress.step();
    }
  }

  private Map<ClassExplanation, Map<String, Path>> write(Path folder, ImageExplanation result, PreparedImage image) {
    Map<ClassExplanation, Map<String, Path>> written = new LinkedHashMap<>();
    try {
      Files.createDirectories(folder);
      for (ClassExplanation e : result.explanations()) {
        String stem = e.classId() == null ? "oblivious" : String.valueOf(e.classId());
        Path heatmap = folder.resolve(stem + "-heatmap.png");
        Path overlay = folder.resolve(stem + "-overlay.png");
        ExplanationImages pictures = new ExplanationImages(e, image.width(), image.height(), image.original());
        Files.write(heatmap, pictures.heatmapPng());
        Files.write(overlay, pictures.overlayPng());
        written.put(e, Map.of("heatmap", heatmap, "overlay", overlay));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + folder, e);
    }
    return written;
  }

  private void reportFailure(PrintWriter stdout, PrintWriter stderr, Path file, Exception e) {
    String code = e instanceof ImageException ie ? ie.code().name() : "UNREADABLE";
    String message = e instanceof ImageException ? e.getMessage() : file + ": cannot read (" + e.getMessage() + ")";
    stderr.println("error: " + message);
    if (json) {
      ObjectNode node = JSON.createObjectNode().put("image", file.toString());
      node.putObject("error").put("code", code).put("message", message);
      stdout.println(node);
    }
  }

  private static void printSummary(PrintWriter out, ImageExplanation r, Map<ClassExplanation, Map<String, Path>> written) {
    Prediction top = r.predictions().get(0);
    out.printf("%s: %s (%d, p=%.2f)%n", r.source(), top.label(), top.classId(), top.score());
    for (ClassExplanation e : r.explanations()) {
      String what = e.classId() == null ? "class-oblivious" : "class " + e.classId() + " " + e.label();
      String how = Float.isNaN(e.loss()) ? e.solver().label()
          : String.format("%s, %d iterations, loss %.4f", e.solver().label(), e.iterations(), e.loss());
      out.printf("  %s: %s, box %s -> %s%n", what, how, boxText(e), written.get(e).get("overlay"));
    }
  }

  private static String boxText(ClassExplanation e) {
    var b = e.box();
    return "[" + b.x0() + ", " + b.y0() + ", " + b.x1() + ", " + b.y1() + "]";
  }

  private static ObjectNode toJson(ImageExplanation r, Map<ClassExplanation, Map<String, Path>> written,
      Map<String, Double> timings) {
    ObjectNode node = JSON.createObjectNode()
        .put("image", r.source()).put("model", r.model()).put("layer", r.layer()).put("mode", r.mode());
    node.put("width", r.width()).put("height", r.height());
    ArrayNode predictions = node.putArray("predictions");
    for (Prediction p : r.predictions()) {
      predictions.addObject().put("class", p.classId()).put("label", p.label()).put("score", p.score());
    }
    ArrayNode explanations = node.putArray("explanations");
    for (ClassExplanation e : r.explanations()) {
      ObjectNode x = explanations.addObject();
      if (e.classId() == null) {
        x.putNull("class").putNull("label");
      } else {
        x.put("class", e.classId()).put("label", e.label());
      }
      x.put("solver", e.solver().label()).put("loss_function", e.objective() == null ? null : e.objective().label())
          .put("heat", e.heat() == null ? null : e.heat().label()).put("iterations", e.iterations());
      if (Float.isNaN(e.loss())) {
        x.putNull("loss");
      } else {
        x.put("loss", e.loss());
      }
      x.set("heatmap", JSON.valueToTree(e.grid()));
      var b = e.box();
      x.putArray("box").add(b.x0()).add(b.y0()).add(b.x1()).add(b.y1());
      ObjectNode files = x.putObject("files");
      written.get(e).forEach((kind, path) -> files.put(kind, path.toString()));
    }
    ObjectNode t = node.putObject("timings_ms");
    timings.forEach((stage, ms) -> t.put(stage, Math.round(ms * 100) / 100.0));
    return node;
  }

  /** One output folder per image, named after the file; a repeated name gets a numeric suffix. */
  private static final class OutputNames {
    private final Path root;
    private final Map<String, Integer> used = new HashMap<>();

    OutputNames(Path root) {
      this.root = root;
    }

    Path folderFor(Path file) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String stem = dot > 0 ? name.substring(0, dot) : name;
      int n = used.merge(stem, 1, Integer::sum);
      return root.resolve(n == 1 ? stem : stem + "-" + n);
    }
  }
}
