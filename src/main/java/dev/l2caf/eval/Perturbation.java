package dev.l2caf.eval;

import dev.l2caf.image.HeatmapRendering;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Deletion and insertion (Petsiuk et al., RISE, BMVC 2018): the pixels of the model input are replaced by a
 * blurred copy (deletion) or revealed over it (insertion) from most to least salient, and the class
 * probability is recorded at each step. A faithful map makes it fall fast when deleting and rise fast when
 * inserting. Blurring rather than painting pixels gray removes the object without drawing sharp new edges
 * that the network would react to.
 */
public final class Perturbation {
  /** Equal steps from 0% to 100% of the pixels, so a curve has STEPS + 1 points. */
  public static final int STEPS = 16;
  /**
   * The blur's standard deviation as a fraction of the input's shorter side (14 px at 224): strong enough that
   * no object is recognizable in the fully blurred input, while its colors stay.
   */
  public static final double BLUR_SIGMA_FRACTION = 1.0 / 16;

  private static final int CHANNELS = 3;

  private Perturbation() {}

  /** The model under test: logits for a batch of prepared inputs (as {@code LoadedModel::logits}). */
  @FunctionalInterface
  public interface Classifier {
    float[][] logits(List<float[]> inputs);
  }

  public static double blurSigma(int width, int height) {
    return Math.min(width, height) * BLUR_SIGMA_FRACTION;
  }

  /** A separable Gaussian blur of an HWC image, edges extended (so a constant image stays constant). */
  public static float[] gaussianBlur(float[] hwc, int width, int height, double sigma) {
    requireImage(hwc, width, height);
    int radius = (int) Math.ceil(3 * sigma);
    double[] kernel = new double[2 * radius + 1];
    double total = 0;
    for (int t = -radius; t <= radius; t++) {
      kernel[t + radius] = Math.exp(-t * t / (2 * sigma * sigma));
      total += kernel[t + radius];
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= total;
    }
    float[] rows = new float[hwc.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < CHANNELS; c++) {
          double sum = 0;
          for (int t = -radius; t <= radius; t++) {
            int xs = Math.min(Math.max(x + t, 0), width - 1);
            sum += kernel[t + radius] * hwc[(y * width + xs) * CHANNELS + c];
          }
          rows[(y * width + x) * CHANNELS + c] = (float) sum;
        }
      }
    }
    float[] out = new float[hwc.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < CHANNELS; c++) {
          double sum = 0;
          for (int t = -radius; t <= radius; t++) {
            int ys = Math.min(Math.max(y + t, 0), height - 1);
            sum += kernel[t + radius] * rows[(ys * width + x) * CHANNELS + c];
          }
          out[(y * width + x) * CHANNELS + c] = (float) sum;
        }
      }
    }
    return out;
  }

  /**
   * The pixels of a {@code width x height} input ({@code y * width + x}) from most to least salient, saliency
   * being the heatmap upsampled to the input as the overlays are. Ties (e.g. Grad-CAM's zeros) stay in row-major
   * order, so the order is the same on every run.
   */
  public static int[] mostSalientFirst(float[] grid, int gridH, int gridW, int width, int height) {
    float[] saliency = HeatmapRendering.upsample(grid, gridH, gridW, width, height);
    return IntStream.range(0, saliency.length).boxed()
        .sorted(Comparator.comparingDouble((Integer p) -> saliency[p]).reversed())
        .mapToInt(Integer::intValue).toArray();
  }

  /** Class probabilities while the pixels in {@code order} are blurred: from the input to the fully blurred one. */
  public static double[] deletionCurve(Classifier model, float[] input, float[] blurred, int[] order, int classId) {
    return curve(model, input, blurred, order, classId);
  }

  /** Class probabilities while the pixels in {@code order} are revealed: from the fully blurred input to the input. */
  public static double[] insertionCurve(Classifier model, float[] input, float[] blurred, int[] order, int classId) {
    return curve(model, blurred, input, order, classId);
  }

  /**
   * STEPS + 1 probabilities: at step k the first k / STEPS of the pixels in {@code order} hold their values in
   * {@code to}, the others those in {@code from}. All steps go to the model in one batch.
   */
  private static double[] curve(Classifier model, float[] from, float[] to, int[] order, int classId) {
    if (from.length != order.length * CHANNELS || to.length != from.length) {
      throw new IllegalArgumentException("expected " + order.length + " pixels of " + CHANNELS + " channels, got "
          + from.length + " and " + to.length + " values");
    }
    List<float[]> steps = new ArrayList<>(STEPS + 1);
    float[] current = from.clone();
    int changed = 0;
    for (int k = 0; k <= STEPS; k++) {
      int upTo = (int) ((long) k * order.length / STEPS);
      for (; changed < upTo; changed++) {
        System.arraycopy(to, order[changed] * CHANNELS, current, order[changed] * CHANNELS, CHANNELS);
      }
      steps.add(current.clone());
    }
    float[][] logits = model.logits(steps);
    double[] probabilities = new double[STEPS + 1];
    for (int k = 0; k <= STEPS; k++) {
      probabilities[k] = Metrics.probability(logits[k], classId);
    }
    return probabilities;
  }

  private static void requireImage(float[] hwc, int width, int height) {
    if (hwc.length != width * height * CHANNELS) {
      throw new IllegalArgumentException("expected " + width + "x" + height + "x" + CHANNELS + " values, got " + hwc.length);
    }
  }
}
