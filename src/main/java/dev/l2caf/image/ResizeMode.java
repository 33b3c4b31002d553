package dev.l2caf.image;

/** How an image is fitted to the model's input size. */
public enum ResizeMode {
  /**
   * Resize the whole image to the input size, ignoring its aspect ratio (what the reference
   * implementation does).
   */
  SQUASH,
  /** Cut the largest centered window with the input's aspect ratio, then resize it. */
  CENTER_CROP
}
