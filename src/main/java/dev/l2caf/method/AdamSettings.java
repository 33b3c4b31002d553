package dev.l2caf.method;

/**
 * The reference optimization: Adam with a learning rate decayed linearly to 0 over {@code maxIterations}
 * steps, stopping an image once its loss changed by less than {@code tolerance} over {@code checkEvery}
 * iterations.
 *
 * @param unroll optimization steps run per session call (a divisor of {@code checkEvery}); more steps per
 *     call mean fewer round trips between Java and TensorFlow, at the cost of a bigger graph
 */
public record AdamSettings(
    float learningRate, float beta1, float beta2, float epsilon, int maxIterations, int checkEvery,
    float tolerance, int unroll) {

  /** Reference tolerance in fast mode (last conv layer). */
  public static final float FAST_TOLERANCE = 1e-4f;
  /** Reference tolerance in slow mode (any layer). */
  public static final float SLOW_TOLERANCE = 1e-6f;

  public AdamSettings {
    if (unroll <= 0 || checkEvery % unroll != 0) {
      throw new IllegalArgumentException("unroll must divide checkEvery (" + checkEvery + "): " + unroll);
    }
  }

  public static AdamSettings reference(float tolerance) {
    return new AdamSettings(0.5f, 0.9f, 0.999f, 1e-8f, 1000, 50, tolerance, 50);
  }

  public AdamSettings withUnroll(int steps) {
    return new AdamSettings(learningRate, beta1, beta2, epsilon, maxIterations, checkEvery, tolerance, steps);
  }
}
