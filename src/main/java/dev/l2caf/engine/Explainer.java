package dev.l2caf.engine;

import dev.l2caf.image.Box;
import dev.l2caf.image.BoxExtractor;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.method.AdamSettings;
import dev.l2caf.method.CamSolver;
import dev.l2caf.method.CollapsedSolver;
import dev.l2caf.method.GradCamSolver;
import dev.l2caf.method.RandomSolver;
import dev.l2caf.method.ExactSolver;
import dev.l2caf.method.FilterProblem;
import dev.l2caf.method.FilterSolution;
import dev.l2caf.method.Loss;
import dev.l2caf.method.Method;
import dev.l2caf.method.Mode;
import dev.l2caf.method.ReplaySolver;
import dev.l2caf.method.Solver;
import dev.l2caf.method.SolverKind;
import dev.l2caf.method.Variant;
import dev.l2caf.model.Forward;
import dev.l2caf.model.HeadReplay;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Turns prepared images into explanations with one model: one backbone pass per image (logits and the
 * layer's feature map), then one batched solve for every (image, class) row.
 */
public final class Explainer {
  public static final int TOP_PREDICTIONS = 5;

  private Explainer() {}

  /** A checked plan: the layer, mode and solver that explanations with these options will use. */
  public record Plan(String layerTensor, Mode mode, HeadReplay head, Solver solver) {}

  /** Checks options against a model before any image is decoded: layer, mode, classes, solver. */
  public static Plan plan(LoadedModel model, ExplainOptions options) {
    String layerTensor = model.layerTensor(options.layer());
    Mode mode = options.effectiveMode();
    if (mode == Mode.FAST && !layerTensor.equals(model.layerTensor(ModelManifest.LAST_LAYER))) {
      throw new ExplainException(ExplainException.Code.INVALID_OPTION,
          "fast mode filters the last conv layer ('last'); use slow mode for layer " + options.layer());
    }
    options.classes().forEach(c -> checkClass(model, c));
    HeadReplay head = model.head(layerTensor);
    return new Plan(layerTensor, mode, head, solver(head, options, mode));
  }

  public static List<ImageExplanation> explain(LoadedModel model, List<PreparedImage> images, ExplainOptions options) {
    return explain(model, images, java.util.Collections.nCopies(images.size(), options));
  }

  /**
   * Explains images with options of their own that share one {@link ExplainOptions#planKey() plan}: the
   * target classes, top-k and box threshold may differ from image to image.
   */
  public static List<ImageExplanation> explain(LoadedModel model, List<PreparedImage> images,
      List<ExplainOptions> perImage) {
    if (images.isEmpty()) {
      return List.of();
    }
    if (perImage.size() != images.size() || perImage.stream().map(ExplainOptions::planKey).distinct().count() != 1) {
      throw new IllegalArgumentException("one options per image, all with the same plan key");
    }
    ExplainOptions shared = perImage.get(0);
    Plan plan = plan(model, shared);
    perImage.forEach(o -> o.classes().forEach(c -> checkClass(model, c)));

    long t0 = System.nanoTime();
    Forward forward = model.forward(images.stream().map(PreparedImage::modelInput).toList(), plan.layerTensor());
    long t1 = System.nanoTime();

    List<List<Integer>> targets = new ArrayList<>();
    List<Integer> rowImage = new ArrayList<>();
    List<float[]> objectives = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      List<Integer> classes = targets(forward.logits()[i], perImage.get(i));
      targets.add(classes);
      for (Integer c : classes) {
        rowImage.add(i);
        objectives.add(shared.effectiveLoss().objective(c == null ? 0 : c, forward.logits()[i]));
      }
    }
    FilterProblem problem = new FilterProblem(plan.head(),
        forward.features().rows(rowImage.stream().mapToInt(Integer::intValue).toArray()),
        objectives.toArray(new float[0][]), shared.effectiveLoss(), shared.filter(), shared.seed(), shared.heat());
    List<FilterSolution> solutions = plan.solver().solve(model, problem);
    long t2 = System.nanoTime();

    double forwardMs = (t1 - t0) / 1e6 / images.size();
    double solveMs = (t2 - t1) / 1e6 / images.size();
    // Boxes need the heatmap at full image size: worth both cores while TensorFlow is idle.
    Box[] boxes = IntStream.range(0, solutions.size()).parallel()
        .mapToObj(r -> box(solutions.get(r), images.get(rowImage.get(r)), perImage.get(rowImage.get(r)).boxThreshold()))
        .toArray(Box[]::new);
    double boxesMs = (System.nanoTime() - t2) / 1e6 / images.size();
    List<ImageExplanation> out = new ArrayList<>();
    int row = 0;
    for (int i = 0; i < images.size(); i++) {
      PreparedImage image = images.get(i);
      List<ClassExplanation> explanations = new ArrayList<>();
      for (Integer c : targets.get(i)) {
        FilterSolution s = solutions.get(row);
        boolean l2caf = shared.method() == Method.L2CAF;
        explanations.add(new ClassExplanation(c, c == null ? null : model.labels().name(c), s.solver(),
            l2caf ? shared.effectiveLoss() : null, l2caf ? shared.heat() : null, s.iterations(), s.loss(), s.heatmap(), s.height(), s.width(), boxes[row]));
        row++;
      }
      out.add(new ImageExplanation(image.source(), image.width(), image.height(), model.name(), shared.layer(),
          plan.mode().label(), predictions(model, forward.logits()[i]), explanations,
          Map.of("forward", forwardMs, "solve", solveMs, "boxes", boxesMs)));
    }
    return out;
  }

  private static Solver solver(HeadReplay head, ExplainOptions options, Mode mode) {
    switch (options.method()) {
      case CAM:
        requireClassSpecific(options);
        if (!CamSolver.applies(head)) {
          throw new ExplainException(ExplainException.Code.INVALID_OPTION,
              "CAM needs global pooling and a linear classifier after the layer; after layer " + options.layer()
                  + " the head is " + head.opTypes() + " (use gradcam)");
        }
        return new CamSolver();
      case GRADCAM:
        requireClassSpecific(options);
        return new GradCamSolver();
      case RANDOM:
        return new RandomSolver();
      default:
        break;
    }
    Loss loss = options.effectiveLoss();
    boolean exact = ExactSolver.applies(head, loss, options.filter());
    boolean collapsed = CollapsedSolver.applies(head);
    AdamSettings adam = AdamSettings.reference(mode.tolerance()).withUnroll(options.unroll());
    switch (options.solver()) {
      case EXACT:
        if (!exact) {
          throw new ExplainException(ExplainException.Code.INVALID_OPTION,
              "the exact solver needs a linear loss (class-specific reference or mean-others), an l2norm filter and"
                  + " an affine head; the loss is " + loss.label() + ", the filter " + options.filter().name()
                  .toLowerCase(java.util.Locale.ROOT) + ", and after layer " + options.layer() + " the head is "
                  + head.opTypes());
        }
        return new ExactSolver();
      case COLLAPSED:
        if (!collapsed) {
          throw new ExplainException(ExplainException.Code.INVALID_OPTION,
              "the collapsed solver needs an affine head; after layer " + options.layer() + " the head is "
                  + head.opTypes() + " (use iterative or replay)");
        }
        return new CollapsedSolver(adam);
      case REPLAY:
        return new ReplaySolver(adam);
      case AUTO:
        if (exact) {
          return new ExactSolver();
        }
        // otherwise iterative, as below
      default: // ITERATIVE: the reference schedule, on the collapsed problem where there is one
        return collapsed ? new CollapsedSolver(adam) : new ReplaySolver(adam);
    }
  }

  private static void requireClassSpecific(ExplainOptions options) {
    if (options.variant() != Variant.CLASS_SPECIFIC) {
      throw new ExplainException(ExplainException.Code.INVALID_OPTION,
          options.method().label() + " explains a class: it has no class-oblivious variant");
    }
  }

  private static void checkClass(LoadedModel model, int classId) {
    if (classId < 0 || classId >= model.numClasses()) {
      throw new ExplainException(ExplainException.Code.UNKNOWN_CLASS, "class " + classId + " is not an output of model "
          + model.name() + " (0.." + (model.numClasses() - 1) + ")");
    }
  }

  /** The classes to explain for one image; a single null for the class-oblivious variant. */
  private static List<Integer> targets(float[] logits, ExplainOptions options) {
    if (options.variant() == Variant.CLASS_OBLIVIOUS) {
      return java.util.Collections.singletonList(null);
    }
    if (!options.classes().isEmpty()) {
      return options.classes();
    }
    return topIndices(logits, options.topK());
  }

  /** The indices of the k largest values, largest first (a partial selection: k is small, values are many). */
  static List<Integer> topIndices(float[] values, int k) {
    int n = Math.min(k, values.length);
    int[] top = new int[n];
    int size = 0;
    for (int i = 0; i < values.length; i++) {
      if (size < n || values[i] > values[top[size - 1]]) {
        int at = size < n ? size++ : n - 1;
        while (at > 0 && values[top[at - 1]] < values[i]) {
          top[at] = top[at - 1];
          at--;
        }
        top[at] = i;
      }
    }
    return java.util.Arrays.stream(top).boxed().toList();
  }

  static List<Prediction> predictions(LoadedModel model, float[] logits) {
    float[] probabilities = softmax(logits);
    return topIndices(logits, TOP_PREDICTIONS).stream()
        .map(c -> new Prediction(c, model.labels().name(c), probabilities[c]))
        .toList();
  }

  static float[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] e = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      e[i] = Math.exp(logits[i] - max);
      sum += e[i];
    }
    float[] p = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }

  private static Box box(FilterSolution s, PreparedImage image, double threshold) {
    return BoxExtractor.fromGrid(s.heatmap(), s.height(), s.width(), image.width(), image.height(), threshold);
  }
}
