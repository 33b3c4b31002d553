package dev.l2caf.eval;

import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.engine.Explainer;
import dev.l2caf.engine.ExplainException;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.image.Box;
import dev.l2caf.image.ImageException;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.image.InputSpec;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.model.LoadedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Explains the same images and classes with each method and scores every heatmap the same way: pointing game
 * and box localization against ground-truth boxes, deletion and insertion against the model. Images go in
 * batches: one decode pass and one {@link Explainer} call per method and batch.
 */
public final class Evaluation {
  /** Heatmap thresholds (fractions of the max) for box localization: Grad-CAM's 15%, CAM's 20%, and 30%. */
  public static final double[] BOX_THRESHOLDS = {0.15, 0.2, 0.3};

  private Evaluation() {}

  /** An image file and its name in the boxes file (its path relative to the images folder). */
  public record ImageFile(String name, Path path) {}

  /**
   * @param methods the rows, in the order the report lists them
   * @param layer the layer every method explains (a name from the manifest or a tensor name)
   */
  public record Settings(List<EvalMethod> methods, String layer, int batchSize, long seed) {
    public Settings {
      methods = List.copyOf(methods);
      if (methods.isEmpty()) {
        throw new IllegalArgumentException("at least one method is needed");
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      }
    }
  }

  /** Hears about each image as it goes; called on the evaluating thread. */
  public interface Listener {
    /** One image is scored with one method. */
    void evaluated(String image, EvalMethod method);

    /** An image was skipped (unreadable, or boxes outside it); the others go on. */
    void failed(String image, String message);
  }

  /**
   * @throws ExplainException before any image is decoded, when a method does not apply to the model or a class
   *     in the boxes is not one of its outputs
   */
  public static EvalReport run(LoadedModel model, List<ImageFile> images, GroundTruth truth, Settings settings,
      Listener listener) {
    ExplainOptions base = ExplainOptions.defaults().withLayer(settings.layer()).withSeed(settings.seed());
    Map<EvalMethod, ExplainOptions> options = new LinkedHashMap<>();
    settings.methods().forEach(m -> options.put(m, m.options(base)));
    options.values().forEach(o -> Explainer.plan(model, o.withClasses(List.copyOf(truth.allClasses()))));
    InputSpec spec = model.inputSpec();
    double sigma = Perturbation.blurSigma(spec.width(), spec.height());
    List<EvalReport.Pair> pairs = new ArrayList<>();
    int evaluated = 0;
    try (ImagePipeline pipeline = new ImagePipeline(spec, ImageLimits.defaults())) {
      for (int start = 0; start < images.size(); start += settings.batchSize()) {
        List<PreparedImage> batch = new ArrayList<>();
        for (ImageFile file : images.subList(start, Math.min(images.size(), start + settings.batchSize()))) {
          prepare(pipeline, file, truth, listener).ifPresent(batch::add);
        }
        if (!batch.isEmpty()) {
          pairs.addAll(evaluateBatch(model, batch, truth, options, sigma, listener));
          evaluated += batch.size();
        }
      }
    }
    return new EvalReport(model.name(), settings.layer(), spec.width(), spec.height(), sigma, settings.seed(), evaluated,
        settings.methods(), pairs);
  }

  /** The decoded image, or empty after telling the listener why it is skipped. */
  private static Optional<PreparedImage> prepare(ImagePipeline pipeline, ImageFile file, GroundTruth truth,
      Listener listener) {
    PreparedImage image;
    try {
      image = pipeline.prepare(file.name(), Files.readAllBytes(file.path()), false);
    } catch (ImageException e) {
      listener.failed(file.name(), e.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      listener.failed(file.name(), "cannot read " + file.path() + ": " + e.getMessage());
      return Optional.empty();
    }
    for (GroundTruth.LabeledBox b : truth.boxesByImage().getOrDefault(file.name(), List.of())) {
      if (b.box().x1() > image.width() || b.box().y1() > image.height()) {
        listener.failed(file.name(), "box " + boxText(b.box()) + " of class " + b.classId() + " lies outside the "
            + image.width() + "x" + image.height() + " image");
        return Optional.empty();
      }
    }
    return Optional.of(image);
  }

  /** One (image, class) pair of a batch, collecting each method's score. */
  private record Target(PreparedImage image, int classId, double probability, List<Box> boxes,
      Map<EvalMethod, EvalReport.Score> scores) {}

  private static List<EvalReport.Pair> evaluateBatch(LoadedModel model, List<PreparedImage> batch, GroundTruth truth,
      Map<EvalMethod, ExplainOptions> options, double sigma, Listener listener) {
    InputSpec spec = model.inputSpec();
    List<float[]> inputs = batch.stream().map(PreparedImage::modelInput).toList();
    // The classes are fixed once, so every method explains exactly the same pairs.
    float[][] logits = model.logits(inputs);
    List<List<Integer>> classes = new ArrayList<>();
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      PreparedImage image = batch.get(i);
      List<Integer> ids = truth.hasBoxes(image.source()) ? truth.classes(image.source()) : List.of(argmax(logits[i]));
      classes.add(ids);
      float[] imageLogits = logits[i];
      ids.forEach(c -> targets.add(new Target(image, c, Metrics.probability(imageLogits, c),
          truth.boxes(image.source(), c), new LinkedHashMap<>())));
    }
    List<float[]> blurred = inputs.stream()
        .map(input -> Perturbation.gaussianBlur(input, spec.width(), spec.height(), sigma)).toList();
    for (Map.Entry<EvalMethod, ExplainOptions> method : options.entrySet()) {
      List<ExplainOptions> perImage = classes.stream().map(method.getValue()::withClasses).toList();
      List<ImageExplanation> explained = Explainer.explain(model, batch, perImage);
      int next = 0;
      for (int i = 0; i < batch.size(); i++) {
        for (ClassExplanation e : explained.get(i).explanations()) {
          Target target = targets.get(next++); // explanations come in the order of the classes asked for
          target.scores().put(method.getKey(), score(model, target, blurred.get(i), e));
        }
        listener.evaluated(batch.get(i).source(), method.getKey());
      }
    }
    List<EvalReport.Pair> pairs = new ArrayList<>();
    for (Target t : targets) {
      pairs.add(new EvalReport.Pair(t.image().source(), t.image().width(), t.image().height(), t.classId(),
          model.labels().name(t.classId()), t.probability(), t.boxes(), Collections.unmodifiableMap(t.scores())));
    }
    return pairs;
  }

  /** Every measure of one heatmap: localization in image pixels, deletion and insertion on the model input. */
  private static EvalReport.Score score(LoadedModel model, Target target, float[] blurred, ClassExplanation e) {
    PreparedImage image = target.image();
    List<Box> boxes = target.boxes();
    float[] grid = e.heatmap();
    int gh = e.gridHeight();
    int gw = e.gridWidth();
    Metrics.Point peak = Metrics.peak(grid, gh, gw, image.width(), image.height());
    Boolean pointingHit = boxes.isEmpty() ? null : Metrics.pointingHit(peak, boxes);
    List<Metrics.Localization> localizations = boxes.isEmpty() ? List.of() : Arrays.stream(BOX_THRESHOLDS)
        .mapToObj(t -> Metrics.localization(grid, gh, gw, image.width(), image.height(), t, boxes)).toList();
    InputSpec spec = model.inputSpec();
    int[] order = Perturbation.mostSalientFirst(grid, gh, gw, spec.width(), spec.height());
    return new EvalReport.Score(grid, gh, gw, peak, pointingHit, localizations,
        Perturbation.deletionCurve(model::logits, image.modelInput(), blurred, order, e.classId()),
        Perturbation.insertionCurve(model::logits, image.modelInput(), blurred, order, e.classId()));
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private static String boxText(Box b) {
    return "[" + b.x0() + ", " + b.y0() + ", " + b.x1() + ", " + b.y1() + "]";
  }
}
