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
   * CPU where a device has no kernel. Each run executes its ops in the calling thread (inter-op threads -1), as
   * our graphs are chains with nothing to run side by side: a JPEG encode on a render thread no longer waits
   * behind the backbone's ops in a shared inter-op pool (overlay_jpg 22 ms -> 5.5 ms wall in a soak), and every
   * run saves two thread hand-offs (every-picture soaks of 1,500 requests, alternating: 24.1 and 22.2 requests/s
   * against 23.0 and 20.6). Ops still spread over the intra-op pool. (Disabling the pools' spin-waits made no
   * difference measurable here.)
   */
  public static ConfigProto standard() {
    return ConfigProto.newBuilder()
        .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true))
        .setAllowSoftPlacement(true)
        .setInterOpParallelismThreads(-1)
        .build();
  }
}
