package dev.l2caf.method;

/**
 * Grad-CAM (Selvaraju et al. 2017), at any layer: channel weights {@code alpha_c = mean_hw dz_t/dA} and
 * the map {@code ReLU(sum_c alpha_c A[h,w,c])}.
 */
public final class GradCamSolver extends GradientMapSolver {
  @Override
  float[] map(float[] a, float[] g, int height, int width, int channels) {
    int cells = height * width;
    double[] alpha = new double[channels];
    for (int cell = 0; cell < cells; cell++) {
      for (int c = 0; c < channels; c++) {
        alpha[c] += g[cell * channels + c];
      }
    }
    float[] map = new float[cells];
    for (int cell = 0; cell < cells; cell++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += alpha[c] / cells * a[cell * channels + c];
      }
      map[cell] = (float) Math.max(0, sum);
    }
    return map;
  }

  @Override
  SolverKind kind() {
    return SolverKind.GRADCAM;
  }
}
