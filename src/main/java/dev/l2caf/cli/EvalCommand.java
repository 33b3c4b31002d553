package dev.l2caf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.eval.CurvePlot;
import dev.l2caf.eval.EvalMethod;
import dev.l2caf.eval.EvalReport;
import dev.l2caf.eval.Evaluation;
import dev.l2caf.eval.GroundTruth;
import dev.l2caf.image.HeatmapRendering;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.SolverKind;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code l2caf eval}: L2-CAF and the baselines measured side by side on the same images and classes. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Explains the same images and classes with each method and measures every",
      "heatmap the same way:",
      "  pointing game: the heatmap's maximum lies inside a ground-truth box;",
      "  localization: the box of the heatmap above 0.15, 0.2 and 0.3 of its max",
      "    has IoU >= 0.5 with a ground-truth box;",
      "  deletion / insertion AUC: the class probability while the model input's",
      "    pixels are blurred (or revealed), most salient first, in 16 steps.",
      "  class cos: on images with several classes, the cosine between the maps",
      "    of different classes (lower = the maps tell the classes apart).",
      "Each mean comes with a 95% bootstrap interval.",
      "Classes: those of an image's boxes, else the model's top-1 (then deletion",
      "and insertion only). Writes <out>/eval.json and <out>/eval-curves.png."},
    footer = {"", "Examples:",
        "  eval samples --boxes samples/boxes.json              the four methods, a table",
        "  eval samples --boxes samples/boxes.json --json       one JSON object instead",
        "  eval photos/ --methods l2caf,random --out eval-out   no boxes: deletion and",
        "                                                       insertion only",
        "  eval evalset --boxes evalset/boxes.json --methods l2caf,gradcam \\",
        "      --loss reference,softmax --solvers exact,iterative    one row per loss x solver",
        "  eval evalset --boxes evalset/boxes.json --layer expand14 --methods l2caf:softmax:iterative,gradcam",
        "", "Boxes file (keys: paths relative to IMAGES_DIR; boxes in image pixels,",
        "[x0, y0, x1, y1] with x1, y1 exclusive):",
        "  {\"dog.jpg\": [{\"class\": 251, \"box\": [130, 220, 310, 540]}, ...], ...}",
        "", "Exit status: 0 all evaluated, 1 some images failed (each reported),",
        "2 bad options, boxes or model."})
final class EvalCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "IMAGES_DIR", description = "Folder of JPEG or PNG images (searched recursively).")
  Path imagesDir;

  @Option(names = "--boxes", paramLabel = "FILE", description = "Ground-truth boxes (JSON, see below); without it, deletion and insertion only.")
  Path boxes;

  @Option(names = "--methods", paramLabel = "LIST", split = ",", defaultValue = "l2caf,cam,gradcam,random",
      description = {"Methods to compare, in table order (default: ${DEFAULT-VALUE}): l2caf, l2caf:LOSS,",
          "l2caf:LOSS:SOLVER[:HEAT], cam, gradcam, random. A plain l2caf is one row per --loss,",
          "--solvers and --heat (exact only for the linear losses)."})
  List<String> methods;

  @Option(names = "--loss", paramLabel = "LIST", split = ",", defaultValue = Loss.DEFAULT_LABEL,
      description = {"L2-CAF's class-specific losses for a plain l2caf: reference, mean-others, softmax",
          "(see explain --help; default: ${DEFAULT-VALUE})."})
  List<String> losses;

  @Option(names = "--solvers", paramLabel = "LIST", split = ",", defaultValue = "auto",
      description = "L2-CAF's solvers for a plain l2caf: auto, exact, iterative, collapsed, replay (default: ${DEFAULT-VALUE}).")
  List<String> solvers;

  @Option(names = "--heat", paramLabel = "LIST", split = ",", defaultValue = Heat.DEFAULT_LABEL,
      description = "L2-CAF's heatmap finalizations for a plain l2caf: abs, positive (see explain --help; default: ${DEFAULT-VALUE}).")
  List<String> heats;

  @Option(names = "--layer", paramLabel = "NAME", defaultValue = "last",
      description = {"Layer every method explains: a name from model.yaml or a tensor name (default:",
          "${DEFAULT-VALUE}; at other layers L2-CAF runs in slow mode and CAM does not apply)."})
  String layer;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "l2caf-eval", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Print one JSON object (the contents of eval.json) instead of the table.")
  boolean json;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Images per explanation batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the random maps (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(imagesDir)) {
      throw new ErrorHandler.UsageException("not a folder: " + imagesDir);
    }
    Evaluation.Settings settings = new Evaluation.Settings(EvalMethod.parse(methods,
        losses.stream().map(Loss::parse).toList(), solvers.stream().map(SolverKind::parse).toList(),
        heats.stream().map(Heat::parse).toList()), layer,
        batchSize, seed);
    GroundTruth truth = boxes == null ? GroundTruth.none() : GroundTruth.read(boxes);
    List<Evaluation.ImageFile> images = ImageFiles.expand(List.of(imagesDir)).stream()
        .map(f -> new Evaluation.ImageFile(imagesDir.relativize(f).toString().replace('\\', '/'), f)).toList();
    if (images.isEmpty()) {
      throw new ErrorHandler.UsageException("no images in " + imagesDir);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    List<String> unmatched = truth.imagesNotIn(images.stream().map(Evaluation.ImageFile::name).collect(Collectors.toSet()));
    if (!unmatched.isEmpty()) {
      stderr.println("note: " + boxes + " has boxes for images not in " + imagesDir + " (ignored): "
          + String.join(", ", unmatched));
    }
    int[] failed = {0};
    EvalReport report;
    try (ModelCache cache = new ModelCache(1);
         LoadedModel.Lease lease = cache.lease(modelOptions.folder());
         ProgressBar progress = ProgressBars.on(stderr, "eval", images.size() * settings.methods().size())) {
      report = Evaluation.run(lease.model(), images, truth, settings, new Evaluation.Listener() {
        @Override
        public void evaluated(String image, EvalMethod method) {
          progress.step();
        }

        @Override
        public void failed(String image, String message) {
          failed[0]++;
          progress.stepBy(settings.methods().size());
          stderr.println("\nerror: " + image + ": " + message);
        }
      });
    }
    stderr.println(); // end the progress bar's line

    Files.createDirectories(out);
    Path jsonFile = out.resolve("eval.json");
    Path plotFile = out.resolve("eval-curves.png");
    ObjectNode node = report.toJson();
    node.put("boxes", boxes == null ? null : boxes.toString());
    node.putObject("files").put("json", jsonFile.toString()).put("plot", plotFile.toString());
    Files.write(plotFile, HeatmapRendering.png(CurvePlot.render(report)));
    Files.writeString(jsonFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
    if (json) {
      stdout.println(JSON.writeValueAsString(node));
    } else {
      report.printTable(stdout);
      stdout.printf("wrote %s and %s%n", jsonFile, plotFile);
    }
    stdout.flush();
    return failed[0] == 0 ? 0 : 1;
  }
}
