package dev.l2caf.model;

/** A batch of feature maps of one layer, NHWC, as Java floats. */
public record FeatureMap(int batch, int height, int width, int channels, float[] values) {
  public FeatureMap {
    if ((long) batch * height * width * channels != values.length) {
      throw new IllegalArgumentException("feature map shape does not match its values");
    }
  }

  public int imageSize() {
    return height * width * channels;
  }

  /** A new batch made of the given images of this one, in that order (repeats allowed). */
  public FeatureMap rows(int[] images) {
    float[] out = new float[images.length * imageSize()];
    for (int i = 0; i < images.length; i++) {
      System.arraycopy(values, images[i] * imageSize(), out, i * imageSize(), imageSize());
    }
    return new FeatureMap(images.length, height, width, channels, out);
  }
}
