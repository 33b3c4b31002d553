package dev.l2caf.engine;

import dev.l2caf.method.FilterType;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.Method;
import dev.l2caf.method.Mode;
import dev.l2caf.method.SolverKind;
import dev.l2caf.method.Variant;
import dev.l2caf.model.ModelManifest;
import java.util.List;

/**
 * What to explain and how. Defaults: layer {@code last}, mode from the layer (fast at {@code last}, slow
 * elsewhere), auto solver, class-specific for the top-1 class with the default loss and heat ({@link Loss#DEFAULT},
 * {@link Heat#DEFAULT}), l2norm filter, seed 0,
 * boxes at 20% of max.
 *
 * @param mode null to derive it from the layer
 * @param classes explicit target classes (model output indices); empty to use the top {@code topK}
 * @param method L2-CAF, or a baseline (CAM, Grad-CAM, random) explained with the same outputs
 * @param loss the class-specific loss (the class-oblivious variant has its own)
 * @param heat how L2-CAF's filter becomes the heatmap
 */
public record ExplainOptions(
    String layer, Mode mode, SolverKind solver, Variant variant, List<Integer> classes, int topK,
    FilterType filter, long seed, double boxThreshold, int unroll, Method method, Loss loss, Heat heat) {

  public static final double DEFAULT_BOX_THRESHOLD = dev.l2caf.image.BoxExtractor.DEFAULT_THRESHOLD_FRACTION;
  /** Optimization steps per session call; measured fastest for the shipped model (bench: 5-10 beat 1 and 50). */
  public static final int DEFAULT_UNROLL = 10;

  public ExplainOptions {
    classes = List.copyOf(classes);
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
    }
    if (!(boxThreshold > 0 && boxThreshold < 1)) {
      throw new IllegalArgumentException("box threshold must be in (0, 1), got " + boxThreshold);
    }
  }

  public static ExplainOptions defaults() {
    return new ExplainOptions(ModelManifest.LAST_LAYER, null, SolverKind.AUTO, Variant.CLASS_SPECIFIC, List.of(), 1,
        FilterType.L2NORM, 0, DEFAULT_BOX_THRESHOLD, DEFAULT_UNROLL, Method.L2CAF, Loss.DEFAULT,
        Heat.DEFAULT);
  }

  public ExplainOptions withLayer(String value) {
    return new ExplainOptions(value, mode, solver, variant, classes, topK, filter, seed, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withMode(Mode value) {
    return new ExplainOptions(layer, value, solver, variant, classes, topK, filter, seed, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withSolver(SolverKind value) {
    return new ExplainOptions(layer, mode, value, variant, classes, topK, filter, seed, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withVariant(Variant value) {
    return new ExplainOptions(layer, mode, solver, value, classes, topK, filter, seed, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withClasses(List<Integer> value) {
    return new ExplainOptions(layer, mode, solver, variant, value, topK, filter, seed, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withTopK(int value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, value, filter, seed, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withFilter(FilterType value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, topK, value, seed, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withSeed(long value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, topK, filter, value, boxThreshold, unroll, method, loss, heat);
  }

  public ExplainOptions withBoxThreshold(double value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, topK, filter, seed, value, unroll, method, loss, heat);
  }

  public ExplainOptions withUnroll(int value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, topK, filter, seed, boxThreshold, value, method, loss, heat);
  }

  public ExplainOptions withMethod(Method value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, topK, filter, seed, boxThreshold, unroll, value, loss, heat);
  }

  public ExplainOptions withLoss(Loss value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, topK, filter, seed, boxThreshold, unroll, method,
        value, heat);
  }

  public ExplainOptions withHeat(Heat value) {
    return new ExplainOptions(layer, mode, solver, variant, classes, topK, filter, seed, boxThreshold, unroll, method, loss,
        value);
  }

  /** The loss optimized: the class-specific loss, or the class-oblivious variant's. */
  public Loss effectiveLoss() {
    return variant.loss(loss);
  }

  /** What images must share to be explained in one batch: everything but classes, top-k and box threshold. */
  public record PlanKey(String layer, Mode mode, SolverKind solver, Variant variant, FilterType filter, long seed,
      int unroll, Method method, Loss loss, Heat heat) {}

  public PlanKey planKey() {
    return new PlanKey(layer, effectiveMode(), solver, variant, filter, seed, unroll, method, effectiveLoss(), heat);
  }

  /** The mode in effect: the given one, or fast at the last layer and slow elsewhere. */
  public Mode effectiveMode() {
    if (mode != null) {
      return mode;
    }
    return ModelManifest.LAST_LAYER.equals(layer) ? Mode.FAST : Mode.SLOW;
  }
}
