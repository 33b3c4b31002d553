package dev.l2caf.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a model wants as input: an HWC float tensor of width x height, channels in channelOrder,
 * each value {@code pixel * scale[c] + offset[c]} for a pixel in 0..255 and channel c counted in
 * the model's channel order. The arrays are copied in and out, so a spec cannot be changed after it
 * is made.
 */
public record InputSpec(
    int width,
    int height,
    ChannelOrder channelOrder,
    float[] scale,
    float[] offset,
    ResizeMode resizeMode) {

  private static final int CHANNELS = 3;

  public InputSpec {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("input size must be positive: " + width + "x" + height);
    }
    if (scale.length != CHANNELS || offset.length != CHANNELS) {
      throw new IllegalArgumentException(
          "scale and offset need one value per channel (3), got "
              + scale.length
              + " and "
              + offset.length);
    }
    scale = scale.clone();
    offset = offset.clone();
  }

  /**
   * The same scale and offset for every channel, e.g. 1/127.5 and -1 for inputs in [-1, 1]; resized
   * by SQUASH.
   */
  public static InputSpec scaleOffset(
      int width, int height, ChannelOrder order, float scale, float offset) {
    return new InputSpec(
        width,
        height,
        order,
        new float[] {scale, scale, scale},
        new float[] {offset, offset, offset},
        ResizeMode.SQUASH);
  }

  /**
   * Per-channel standardization (pixel - mean) / std, in the model's channel order; resized by
   * SQUASH.
   */
  public static InputSpec meanStd(
      int width, int height, ChannelOrder order, float[] mean, float[] std) {
    if (mean.length != CHANNELS || std.length != CHANNELS) {
      throw new IllegalArgumentException(
          "mean and std need one value per channel (3), got " + mean.length + " and " + std.length);
    }
    float[] scale = new float[CHANNELS];
    float[] offset = new float[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
      if (std[c] == 0) {
        throw new IllegalArgumentException("std must not be 0: " + Arrays.toString(std));
      }
      scale[c] = 1f / std[c];
      offset[c] = -mean[c] / std[c];
    }
    return new InputSpec(width, height, order, scale, offset, ResizeMode.SQUASH);
  }

  public InputSpec withResizeMode(ResizeMode mode) {
    return new InputSpec(width, height, channelOrder, scale, offset, mode);
  }

  /** Values per image: height * width * 3. */
  public int inputLength() {
    return height * width * CHANNELS;
  }

  @Override
  public float[] scale() {
    return scale.clone();
  }

  @Override
  public float[] offset() {
    return offset.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputSpec s
        && width == s.width
        && height == s.height
        && channelOrder == s.channelOrder
        && Arrays.equals(scale, s.scale)
        && Arrays.equals(offset, s.offset)
        && resizeMode == s.resizeMode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        width, height, channelOrder, Arrays.hashCode(scale), Arrays.hashCode(offset), resizeMode);
  }

  @Override
  public String toString() {
    return "InputSpec["
        + width
        + "x"
        + height
        + " "
        + channelOrder
        + ", scale="
        + Arrays.toString(scale)
        + ", offset="
        + Arrays.toString(offset)
        + ", "
        + resizeMode
        + "]";
  }
}
