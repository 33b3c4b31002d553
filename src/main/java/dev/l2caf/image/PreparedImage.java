package dev.l2caf.image;

/**
 * An image ready for the model.
 *
 * @param width width of the original image as displayed (after EXIF orientation)
 * @param height height of the original image as displayed
 * @param modelInput height * width * 3 floats of the model's input size, HWC, already normalized
 *     per the InputSpec
 * @param original the full-size display-oriented image, or null when it was not asked for
 */
public record PreparedImage(
    String source, int width, int height, float[] modelInput, RgbImage original) {}
