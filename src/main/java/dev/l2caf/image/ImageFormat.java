package dev.l2caf.image;

/** Encodings the service accepts. */
public enum ImageFormat {
  JPEG,
  PNG
}
