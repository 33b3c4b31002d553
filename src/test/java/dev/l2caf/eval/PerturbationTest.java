package dev.l2caf.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PerturbationTest {
  private static final int SIDE = 4; // 16 pixels: one pixel per step

  /**
   * A toy classifier with two classes: logit 0 for class 0 and, for class 1, the sum of channel 0 over the image,
   * so p(class 1) = sigmoid(sum). Records the size of every batch it is given.
   */
  private static final class SumClassifier implements Perturbation.Classifier {
    final List<Integer> batches = new ArrayList<>();

    @Override
    public float[][] logits(List<float[]> inputs) {
      batches.add(inputs.size());
      float[][] out = new float[inputs.size()][];
      for (int i = 0; i < inputs.size(); i++) {
        float sum = 0;
        for (int p = 0; p < SIDE * SIDE; p++) {
          sum += inputs.get(i)[p * 3];
        }
        out[i] = new float[] {0, sum};
      }
      return out;
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** Pixel p carries weight (p + 1) / 16 in channel 0, so the most important pixel is the last one. */
  private static float weight(int p) {
    return (p + 1) / 16f;
  }

  private static float[] toyInput() {
    float[] input = new float[SIDE * SIDE * 3];
    for (int p = 0; p < SIDE * SIDE; p++) {
      input[p * 3] = weight(p);
    }
    return input;
  }

  /** A 4x4 heatmap on the 4x4 input (upsampling is the identity) equal to the pixel weights: a faithful map. */
  private static float[] faithfulGrid() {
    float[] grid = new float[SIDE * SIDE];
    for (int p = 0; p < grid.length; p++) {
      grid[p] = weight(p);
    }
    return grid;
  }

  @Test
  void deletionCurveFollowsTheHandDerivedProbabilities() {
    SumClassifier model = new SumClassifier();
    float[] blurred = new float[SIDE * SIDE * 3]; // the toy's "blur" erases everything: logit 0, p = 0.5
    int[] order = Perturbation.mostSalientFirst(faithfulGrid(), SIDE, SIDE, SIDE, SIDE);
    assertArrayEquals(IntStream.range(0, 16).map(i -> 15 - i).toArray(), order, "largest weight first");

    double[] curve = Perturbation.deletionCurve(model, toyInput(), blurred, order, 1);

    assertEquals(17, curve.length);
    assertEquals(List.of(17), model.batches, "all 17 steps in one batch");
    assertEquals(sigmoid(136 / 16.0), curve[0], 1e-6, "first point: the unperturbed input");
    assertEquals(0.5, curve[16], 1e-6, "last point: the fully blurred input");
    for (int k = 0; k <= 16; k++) {
      // After k steps the k heaviest pixels (weights 16/16 down to (17-k)/16) are gone: sum of 1..16-k over 16.
      int left = 16 - k;
      assertEquals(sigmoid(left * (left + 1) / 2 / 16.0), curve[k], 1e-6, "step " + k);
    }
  }

  @Test
  void insertionCurveStartsBlurredAndEndsAtTheInput() {
    SumClassifier model = new SumClassifier();
    int[] order = Perturbation.mostSalientFirst(faithfulGrid(), SIDE, SIDE, SIDE, SIDE);
    double[] curve = Perturbation.insertionCurve(model, toyInput(), new float[SIDE * SIDE * 3], order, 1);
    assertEquals(17, curve.length);
    assertEquals(List.of(17), model.batches);
    assertEquals(0.5, curve[0], 1e-6);
    assertEquals(sigmoid(136 / 16.0), curve[16], 1e-6);
    // After k steps the k heaviest pixels are back: (16 + 15 + ... + (17 - k)) / 16.
    assertEquals(sigmoid((16 + 15 + 14) / 16.0), curve[3], 1e-6);
  }

  @Test
  void aFaithfulMapBeatsItsReverseOnBothAucs() {
    float[] reversed = faithfulGrid();
    for (int p = 0; p < reversed.length; p++) {
      reversed[p] = 1 - reversed[p];
    }
    float[] blurred = new float[SIDE * SIDE * 3];
    int[] good = Perturbation.mostSalientFirst(faithfulGrid(), SIDE, SIDE, SIDE, SIDE);
    int[] bad = Perturbation.mostSalientFirst(reversed, SIDE, SIDE, SIDE, SIDE);
    SumClassifier model = new SumClassifier();
    assertTrue(Metrics.trapezoidAuc(Perturbation.deletionCurve(model, toyInput(), blurred, good, 1))
        < Metrics.trapezoidAuc(Perturbation.deletionCurve(model, toyInput(), blurred, bad, 1)));
    assertTrue(Metrics.trapezoidAuc(Perturbation.insertionCurve(model, toyInput(), blurred, good, 1))
        > Metrics.trapezoidAuc(Perturbation.insertionCurve(model, toyInput(), blurred, bad, 1)));
  }

  @Test
  void tiesKeepRowMajorOrder() {
    assertArrayEquals(IntStream.range(0, 16).toArray(), Perturbation.mostSalientFirst(new float[16], 4, 4, 4, 4));
  }

  @Test
  void blurKeepsAConstantImageAndSpreadsAnImpulseSymmetrically() {
    int w = 41;
    int h = 41;
    float[] constant = new float[w * h * 3];
    java.util.Arrays.fill(constant, 0.7f);
    float[] blurredConstant = Perturbation.gaussianBlur(constant, w, h, 3);
    for (float v : blurredConstant) {
      assertEquals(0.7f, v, 1e-5);
    }

    float[] impulse = new float[w * h * 3];
    int center = (20 * w + 20) * 3 + 1; // channel 1 of the middle pixel
    impulse[center] = 1;
    float[] spread = Perturbation.gaussianBlur(impulse, w, h, 3);
    double total = 0;
    for (int i = 1; i < spread.length; i += 3) {
      total += spread[i];
    }
    assertEquals(1.0, total, 1e-5, "the kernel sums to 1");
    assertEquals(spread[(20 * w + 17) * 3 + 1], spread[(20 * w + 23) * 3 + 1], 1e-7, "left equals right");
    assertEquals(spread[(17 * w + 20) * 3 + 1], spread[(23 * w + 20) * 3 + 1], 1e-7, "up equals down");
    assertTrue(spread[center] < 0.05f, "the peak is spread out");
    assertEquals(0f, spread[(20 * w + 20) * 3], 0f, "channels stay apart");
  }
}
