package dev.l2caf.pipeline;

import java.util.Locale;

/**
 * The steps of a request's way through the service, for the per-stage cost breakdown ({@code soak}, the
 * {@code l2caf.stage.duration} histograms, the status page). Engine stages are each image's share of its
 * batch; rendering stages are per explained class; {@code S3_PUT} is the wall time of a request's writes.
 */
public enum Stage {
  FETCH,
  DECODE,
  FORWARD,
  SOLVE,
  BOXES,
  HEATMAP_PNG,
  OVERLAY_PNG,
  OVERLAY_JPG,
  RAW_JSON,
  THUMBNAIL,
  COMPLETION_JSON,
  S3_PUT,
  PUBLISH;

  /** The stages the engine times itself, under their labels in {@code ImageExplanation.timingsMs()}. */
  public static final java.util.List<Stage> ENGINE = java.util.List.of(FORWARD, SOLVE, BOXES);

  /** The rendering stage of an output kind. */
  public static Stage rendering(OutputKind kind) {
    return valueOf(kind.name());
  }

  /** The name in metrics and on the status page: decode, overlay_png, s3_put. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
