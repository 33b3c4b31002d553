package dev.l2caf.engine;

import dev.l2caf.image.Box;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.SolverKind;

/**
 * The explanation of one image for one class (null for class-oblivious explanations).
 *
 * @param objective the loss L2-CAF optimized (null for a baseline); {@code loss} is its final value
 * @param heat how the filter became the heatmap (null for a baseline)
 * @param heatmap the finalized filter (see {@link Heat}), row-major {@code gridHeight x gridWidth}
 * @param box the weak localization label in image pixels, from the heatmap thresholded at the options' fraction
 */
public record ClassExplanation(
    Integer classId, String label, SolverKind solver, Loss objective, Heat heat, int iterations, float loss,
    float[] heatmap, int gridHeight, int gridWidth, Box box) {

  /** The heatmap as rows, for JSON. */
  public float[][] grid() {
    float[][] rows = new float[gridHeight][gridWidth];
    for (int y = 0; y < gridHeight; y++) {
      System.arraycopy(heatmap, y * gridWidth, rows[y], 0, gridWidth);
    }
    return rows;
  }
}
