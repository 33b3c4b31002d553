package dev.l2caf.method;

/**
 * A solved filter, finalized by the problem's {@link Heat} (the reference: {@code |u| / || |u| ||_2}), row-major
 * {@code height x width}; a baseline's map, signed, at unit L2 norm.
 *
 * @param loss the loss at the final filter
 * @param iterations optimization steps taken (0 for the exact solver)
 */
public record FilterSolution(float[] heatmap, int height, int width, float loss, int iterations, SolverKind solver) {

  /** The map scaled to unit L2 norm (all zeros stays all zeros). */
  static float[] unitNorm(float[] map) {
    double sum = 0;
    for (float v : map) {
      sum += (double) v * v;
    }
    float norm = (float) Math.sqrt(sum);
    float[] out = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      out[i] = norm > 0 ? map[i] / norm : 0f;
    }
    return out;
  }
}
