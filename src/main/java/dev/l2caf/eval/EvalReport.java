package dev.l2caf.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.image.Box;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The outcome of an evaluation: every (image, class) pair with each method's scores, and per method the means
 * over the pairs (localization over the pairs with boxes, deletion and insertion over all, class discrimination
 * over the images with several classes), each with a bootstrap interval.
 *
 * @param blurSigma the deletion/insertion blur in model-input pixels
 * @param seed the seed of the random maps and of the bootstrap resampling
 */
public record EvalReport(String model, String layer, int inputWidth, int inputHeight, double blurSigma, long seed,
    int images, List<EvalMethod> methods, List<Pair> pairs) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public EvalReport {
    methods = List.copyOf(methods);
    pairs = List.copyOf(pairs);
  }

  /**
   * One image and class, with its ground-truth boxes of that class (none when the image has no boxes: then the
   * class is the model's top-1).
   *
   * @param probability the model's probability for the class on the unperturbed input
   * @param scores by method, in the evaluation's method order
   */
  public record Pair(String image, int width, int height, int classId, String label, double probability,
      List<Box> boxes, Map<EvalMethod, Score> scores) {
    public Pair {
      boxes = List.copyOf(boxes);
    }
  }

  /**
   * One method's heatmap for one pair.
   *
   * @param map the method's H x W map, row-major, as it gave it
   * @param pointingHit null when the pair has no boxes
   * @param localizations one per threshold of {@link Evaluation#BOX_THRESHOLDS}; empty when the pair has no boxes
   * @param deletionCurve class probability at 0, 1/16, ..., 16/16 of the input blurred, most salient first
   * @param insertionCurve class probability at 0, 1/16, ..., 16/16 of the input revealed, most salient first
   */
  public record Score(float[] map, int gridHeight, int gridWidth, Metrics.Point peak, Boolean pointingHit, List<Metrics.Localization> localizations,
      double[] deletionCurve, double[] insertionCurve) {
    public double deletionAuc() {
      return Metrics.trapezoidAuc(deletionCurve);
    }

    public double insertionAuc() {
      return Metrics.trapezoidAuc(insertionCurve);
    }
  }

  /**
   * A method's means over the pairs; accuracies are NaN when no pair has boxes.
   *
   * @param localizationAccuracy one per threshold of {@link Evaluation#BOX_THRESHOLDS}
   * @param pointing the pointing accuracy over the pairs with boxes, with its interval
   * @param deletion the deletion AUC over all pairs, with its interval (likewise {@code insertion})
   * @param betweenClassCosine over the images with two or more classes: each image's mean
   *     {@link Metrics#mapCosine} between the maps of its different classes, then the mean over the images;
   *     lower = the maps tell the classes apart more
   */
  public record Summary(EvalMethod method, int pairs, int pairsWithBoxes, double pointingAccuracy,
      double[] localizationAccuracy, double deletionAuc, double insertionAuc, double[] meanDeletionCurve,
      double[] meanInsertionCurve, Bootstrap.Interval pointing, Bootstrap.Interval deletion,
      Bootstrap.Interval insertion, Bootstrap.Interval betweenClassCosine) {}

  public int pairsWithBoxes() {
    return (int) pairs.stream().filter(p -> !p.boxes().isEmpty()).count();
  }

  public List<Summary> summaries() {
    return methods.stream().map(this::summary).toList();
  }

  /** The number of images with maps of two or more classes, where class discrimination is measured. */
  public int multiClassImages() {
    return (int) pairsByImage().values().stream().filter(list -> list.size() > 1).count();
  }

  private Map<String, List<Pair>> pairsByImage() {
    Map<String, List<Pair>> byImage = new LinkedHashMap<>();
    pairs.forEach(p -> byImage.computeIfAbsent(p.image(), k -> new ArrayList<>()).add(p));
    return byImage;
  }

  private double[] betweenClassCosines(EvalMethod method) {
    List<Double> perImage = new ArrayList<>();
    for (List<Pair> imagePairs : pairsByImage().values()) {
      double sum = 0;
      int n = 0;
      for (int i = 0; i < imagePairs.size(); i++) {
        for (int j = i + 1; j < imagePairs.size(); j++) {
          sum += Metrics.mapCosine(imagePairs.get(i).scores().get(method).map(), imagePairs.get(j).scores().get(method).map());
          n++;
        }
      }
      if (n > 0) {
        perImage.add(sum / n);
      }
    }
    return perImage.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private Summary summary(EvalMethod method) {
    List<Score> all = pairs.stream().map(p -> p.scores().get(method)).toList();
    List<Score> boxed = pairs.stream().filter(p -> !p.boxes().isEmpty()).map(p -> p.scores().get(method)).toList();
    double[] localization = new double[Evaluation.BOX_THRESHOLDS.length];
    for (int t = 0; t < localization.length; t++) {
      int threshold = t;
      localization[t] = fraction(boxed, s -> s.localizations().get(threshold).hit());
    }
    return new Summary(method, all.size(), boxed.size(), fraction(boxed, Score::pointingHit), localization,
        mean(all, Score::deletionAuc), mean(all, Score::insertionAuc),
        meanCurve(all.stream().map(Score::deletionCurve).toList()),
        meanCurve(all.stream().map(Score::insertionCurve).toList()),
        Bootstrap.ofMean(boxed.stream().mapToDouble(s -> s.pointingHit() ? 1 : 0).toArray(), seed),
        Bootstrap.ofMean(all.stream().mapToDouble(Score::deletionAuc).toArray(), seed),
        Bootstrap.ofMean(all.stream().mapToDouble(Score::insertionAuc).toArray(), seed),
        Bootstrap.ofMean(betweenClassCosines(method), seed));
  }

  private static double fraction(List<Score> scores, Predicate<Score> hit) {
    return scores.isEmpty() ? Double.NaN : (double) scores.stream().filter(hit).count() / scores.size();
  }

  private static double mean(List<Score> scores, ToDoubleFunction<Score> value) {
    return scores.stream().mapToDouble(value).average().orElse(Double.NaN);
  }

  private static double[] meanCurve(List<double[]> curves) {
    double[] mean = new double[Perturbation.STEPS + 1];
    for (double[] curve : curves) {
      for (int k = 0; k < mean.length; k++) {
        mean[k] += curve[k] / curves.size();
      }
    }
    return mean;
  }

  /** The summary table, the intervals, then what was measured on what, for a terminal. */
  public void printTable(PrintWriter out) {
    out.printf("model %s, layer %s: %d images, %d (image, class) pairs, %d with boxes, %d images with several"
        + " classes%n", model, layer, images, pairs.size(), pairsWithBoxes(), multiClassImages());
    int width = Math.max(8, methods.stream().mapToInt(m -> m.label().length()).max().orElse(0));
    StringBuilder header = new StringBuilder(String.format("%-" + width + "s %9s", "method", "pointing"));
    for (double t : Evaluation.BOX_THRESHOLDS) {
      header.append(String.format(" %9s", "loc@" + threshold(t)));
    }
    out.println(header.append(String.format(" %13s %14s %10s %4s %8s", "deletion AUC", "insertion AUC", "class cos",
        "n", "n boxed")));
    List<Summary> summaries = summaries();
    for (Summary s : summaries) {
      StringBuilder row = new StringBuilder(String.format("%-" + width + "s %9s", s.method().label(),
          fixed(s.pointingAccuracy())));
      for (double accuracy : s.localizationAccuracy()) {
        row.append(String.format(" %9s", fixed(accuracy)));
      }
      out.println(row.append(String.format(" %13s %14s %10s %4d %8d", fixed(s.deletionAuc()), fixed(s.insertionAuc()),
          fixed(s.betweenClassCosine().mean()), s.pairs(), s.pairsWithBoxes())));
    }
    out.printf("%n%d%% bootstrap intervals (%d resamples of the pairs; of the images for class cos):%n",
        Math.round(Bootstrap.LEVEL * 100), Bootstrap.RESAMPLES);
    out.printf("%-" + width + "s %15s %15s %15s %15s%n", "method", "pointing", "deletion AUC", "insertion AUC",
        "class cos");
    for (Summary s : summaries) {
      out.printf("%-" + width + "s %15s %15s %15s %15s%n", s.method().label(), interval(s.pointing()),
          interval(s.deletion()), interval(s.insertion()), interval(s.betweenClassCosine()));
    }
    out.printf("pointing: heatmap max inside a box of the class; loc@t: box of the largest region >= t x max with"
        + " IoU >= %.1f;%n", Metrics.IOU_FOR_HIT);
    out.printf("deletion/insertion: class probability over %d steps, pixels blurred (sigma %.0f px at %dx%d) or"
        + " revealed, most salient first;%nlower deletion AUC and higher insertion AUC = more faithful.%n",
        Perturbation.STEPS, blurSigma, inputWidth, inputHeight);
    out.println("class cos: cosine between the min-max scaled maps of two classes of one image, averaged per image"
        + " and over the images with several classes; lower = tells the classes apart more.");
  }

  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode().put("model", model).put("layer", layer).put("n_images", images)
        .put("n_pairs", pairs.size()).put("n_pairs_with_boxes", pairsWithBoxes());
    ObjectNode protocol = root.putObject("protocol");
    protocol.put("pointing", "maximum of the heatmap upsampled to the image lies inside a ground-truth box of the class");
    protocol.put("iou_for_hit", Metrics.IOU_FOR_HIT);
    ArrayNode thresholds = protocol.putArray("box_thresholds");
    Arrays.stream(Evaluation.BOX_THRESHOLDS).forEach(thresholds::add);
    protocol.put("steps", Perturbation.STEPS).put("substitute", "gaussian blur of the model input")
        .put("blur_sigma_px", round(blurSigma)).put("input_width", inputWidth).put("input_height", inputHeight)
        .put("seed", seed).put("bootstrap_resamples", Bootstrap.RESAMPLES).put("bootstrap_level", Bootstrap.LEVEL)
        .put("class_cosine", "per image, the mean cosine between the min-max scaled maps of its different classes;"
            + " the mean over images with two or more classes");
    root.put("n_images_with_several_classes", multiClassImages());
    ArrayNode summaries = root.putArray("methods");
    for (Summary s : summaries()) {
      ObjectNode o = summaries.addObject().put("method", s.method().label()).put("n", s.pairs())
          .put("n_with_boxes", s.pairsWithBoxes());
      if (s.method().loss() != null) {
        o.put("loss", s.method().loss().label()).put("solver", s.method().solver().label())
            .put("heat", s.method().heat().label());
      }
      putNumber(o, "pointing_accuracy", s.pointingAccuracy());
      ArrayNode localization = o.putArray("localization_accuracy");
      for (int t = 0; t < Evaluation.BOX_THRESHOLDS.length; t++) {
        ObjectNode at = localization.addObject().put("threshold", Evaluation.BOX_THRESHOLDS[t]);
        putNumber(at, "accuracy", s.localizationAccuracy()[t]);
      }
      o.put("deletion_auc", round(s.deletionAuc())).put("insertion_auc", round(s.insertionAuc()));
      putNumber(o, "class_cosine", s.betweenClassCosine().mean());
      ObjectNode intervals = o.putObject("intervals");
      putInterval(intervals, "pointing_accuracy", s.pointing());
      putInterval(intervals, "deletion_auc", s.deletion());
      putInterval(intervals, "insertion_auc", s.insertion());
      putInterval(intervals, "class_cosine", s.betweenClassCosine());
      putCurve(o, "mean_deletion_curve", s.meanDeletionCurve());
      putCurve(o, "mean_insertion_curve", s.meanInsertionCurve());
    }
    ArrayNode pairArray = root.putArray("pairs");
    for (Pair p : pairs) {
      ObjectNode o = pairArray.addObject().put("image", p.image()).put("width", p.width()).put("height", p.height())
          .put("class", p.classId()).put("label", p.label()).put("probability", round(p.probability()));
      ArrayNode boxes = o.putArray("boxes");
      p.boxes().forEach(b -> boxes.add(box(b)));
      ObjectNode scores = o.putObject("scores");
      p.scores().forEach((method, s) -> scores.set(method.label(), scoreJson(s)));
    }
    return root;
  }

  private static ObjectNode scoreJson(Score s) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("peak").add(s.peak().x()).add(s.peak().y());
    if (s.pointingHit() == null) {
      o.putNull("pointing_hit");
    } else {
      o.put("pointing_hit", s.pointingHit());
    }
    ArrayNode localization = o.putArray("localization");
    for (Metrics.Localization l : s.localizations()) {
      localization.addObject().put("threshold", l.threshold()).<ObjectNode>set("box", box(l.box()))
          .put("iou", round(l.iou())).put("hit", l.hit());
    }
    o.put("deletion_auc", round(s.deletionAuc())).put("insertion_auc", round(s.insertionAuc()));
    ArrayNode map = o.putArray("map");
    for (int y = 0; y < s.gridHeight(); y++) {
      ArrayNode row = map.addArray();
      for (int x = 0; x < s.gridWidth(); x++) {
        row.add(round(s.map()[y * s.gridWidth() + x]));
      }
    }
    putCurve(o, "deletion_curve", s.deletionCurve());
    putCurve(o, "insertion_curve", s.insertionCurve());
    return o;
  }

  private static ArrayNode box(Box b) {
    return JSON.createArrayNode().add(b.x0()).add(b.y0()).add(b.x1()).add(b.y1());
  }

  private static void putCurve(ObjectNode o, String name, double[] curve) {
    ArrayNode array = o.putArray(name);
    Arrays.stream(curve).map(EvalReport::round).forEach(array::add);
  }

  private static void putInterval(ObjectNode o, String name, Bootstrap.Interval interval) {
    ObjectNode at = o.putObject(name).put("n", interval.n());
    putNumber(at, "mean", interval.mean());
    putNumber(at, "low", interval.low());
    putNumber(at, "high", interval.high());
  }

  private static void putNumber(ObjectNode o, String name, double value) {
    if (Double.isNaN(value)) {
      o.putNull(name);
    } else {
      o.put(name, round(value));
    }
  }

  /** Four decimals are far below what a few hundred pairs can resolve. */
  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static String fixed(double value) {
    return Double.isNaN(value) ? "-" : String.format("%.3f", value);
  }

  private static String interval(Bootstrap.Interval i) {
    return i.n() == 0 ? "-" : String.format("[%.3f, %.3f]", i.low(), i.high());
  }

  private static String threshold(double t) {
    return String.format("%.2f", t).replaceAll("0$", "");
  }
}
