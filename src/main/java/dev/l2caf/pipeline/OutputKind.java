package dev.l2caf.pipeline;

import java.util.Locale;

/** The files a request may ask for, per explained class. */
public enum OutputKind {
  HEATMAP_PNG("heatmap.png", "image/png"),
  OVERLAY_PNG("overlay.png", "image/png"),
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

  /** The name in requests and completion events: heatmap_png, overlay_png, raw_json. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
