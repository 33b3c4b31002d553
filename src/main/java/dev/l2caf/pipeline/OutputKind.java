package dev.l2caf.pipeline;

import java.util.Locale;

/** The files a request may ask for, per explained class. */
public enum OutputKind {
  HEATMAP_PNG("heatmap.png", "image/png"),
  OVERLAY_PNG("overlay.png", "image/png"),
  /** The overlay as a JPEG: an overlay on a photo is a photo, and JPEG encodes it several times faster. */
  OVERLAY_JPG("overlay.jpg", "image/jpeg"),
  RAW_JSON("heatmap.json", "application/json");

  private final String fileName;
  private final String contentType;

  OutputKind(String fileName, String contentType) {
    this.fileName = fileName;
    this.contentType = contentType;
  }

  public String fileName() {
    return fileName;
  }

  public String contentType() {
    return contentType;
  }

  /**
   * What a request without {@code outputs} gets: no files. The labels of a backfill are the raw grid and the
   * box, and both are in the completion event (and its stored copy, completion.json); pictures are for people
   * and are asked for. A file per request would double the object-store writes of a backfill.
   */
  public static final java.util.Set<OutputKind> DEFAULTS = java.util.Collections.emptySet();

  /** Whether this kind is drawn over the original image (which must then be kept at full size). */
  public boolean overlay() {
    return this == OVERLAY_PNG || this == OVERLAY_JPG;
  }

  /** The name in requests and completion events: heatmap_png, overlay_png, overlay_jpg, raw_json. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
