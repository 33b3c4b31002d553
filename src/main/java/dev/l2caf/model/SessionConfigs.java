package dev.l2caf.model;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * The one TensorFlow session configuration of this process. TensorFlow's thread pools and GPU allocators are
 * process-wide and take their settings from the first session created, so every session (device listing,
 * preprocessing, models) is made with the same one; the preprocessing session had none of its own before.
 */
public final class SessionConfigs {
  private SessionConfigs() {}

  /**
   * GPU memory grows on demand, so several models (and processes) can share a card, and ops fall back to the
   * CPU where a device has no kernel. (Disabling the pools' spin-waits made no difference measurable here.)
   */
  public static ConfigProto standard() {
    return ConfigProto.newBuilder()
        .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true))
        .setAllowSoftPlacement(true)
        .build();
  }
}
