package dev.l2caf.method;

import dev.l2caf.model.HeadReplay;

/**
 * CAM (Zhou et al. 2016) for heads made of global average pooling and a linear classifier: the class
 * weights applied to the last feature map, {@code sum_c W[c,t] A[h,w,c]}. With such a head
 * {@code dz_t/dA[h,w,c] = W[c,t] / (H W)}, so the map is computed as {@code H W sum_c A * dz_t/dA}.
 */
public final class CamSolver extends GradientMapSolver {

  /** CAM needs an affine head after the layer (pooling and linear layers). */
  public static boolean applies(HeadReplay head) {
    return head.isAffine();
  }

  @Override
  float[] map(float[] a, float[] g, int height, int width, int channels) {
    float[] map = new float[height * width];
    for (int cell = 0; cell < map.length; cell++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += (double) a[cell * channels + c] * g[cell * channels + c];
      }
      map[cell] = (float) (sum * height * width);
    }
    return map;
  }

  @Override
  SolverKind kind() {
    return SolverKind.CAM;
  }
}
