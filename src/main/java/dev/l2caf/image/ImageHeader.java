package dev.l2caf.image;

/**
 * What the probe learned from an image's header, without decoding pixels.
 *
 * @param width stored width in pixels (before EXIF orientation)
 * @param height stored height in pixels (before EXIF orientation)
 * @param orientation EXIF orientation 1..8; 1 means none
 * @param tensorflowDecodable whether TensorFlow's DecodeJpeg handles it well (8-bit baseline or
 *     progressive Huffman JPEG with 1 or 3 components)
 */
public record ImageHeader(
    ImageFormat format, int width, int height, int orientation, boolean tensorflowDecodable) {

  public ImageHeader {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    if (orientation < 1 || orientation > 8) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8: " + orientation);
    }
  }

  /** Width as displayed: orientations 5..8 turn the image a quarter. */
  public int displayWidth() {
    return Orientation.swapsAxes(orientation) ? height : width;
  }

  /** Height as displayed: orientations 5..8 turn the image a quarter. */
  public int displayHeight() {
    return Orientation.swapsAxes(orientation) ? width : height;
  }
}
