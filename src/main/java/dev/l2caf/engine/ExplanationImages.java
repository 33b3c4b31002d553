package dev.l2caf.engine;

import dev.l2caf.image.Colormap;
import dev.l2caf.image.HeatmapRendering;
import dev.l2caf.image.JpegEncoder;
import dev.l2caf.image.PngEncoder;
import dev.l2caf.image.RgbImage;

/**
 * The pictures of one explanation, for people, at the original image's size. The upsampled heatmap and the
 * overlay are computed once and shared by every picture asked for (the thumbnail is the overlay shrunk), so
 * asking for more pictures costs only their encoding. Not thread-safe: one per class and thread.
 */
public final class ExplanationImages {
  /** JPEG quality of overlay_jpg (libjpeg's 1-100): no visible loss on a blended photo, a tenth of the PNG's size. */
  static final int OVERLAY_JPEG_QUALITY = 90;

  private final ClassExplanation explanation;
  private final int width;
  private final int height;
  private final RgbImage original;
  private float[] values;
  private RgbImage overlay;

  /**
   * @param width the original image's width as displayed
   * @param original the full-size display-oriented image, or null where no overlay is drawn
   */
  public ExplanationImages(ClassExplanation explanation, int width, int height, RgbImage original) {
    this.explanation = explanation;
    this.width = width;
    this.height = height;
    this.original = original;
  }

  /** The heatmap upsampled (bilinear) to the image size and scaled to [0, 1], as 8-bit grayscale. */
  public byte[] heatmapPng() {
    return PngEncoder.gray(width, height, HeatmapRendering.grayLevels(values(), width, height));
  }

  /** The heatmap in the reference's blue-white-red colormap over the image. */
  public byte[] overlayPng() {
    return PngEncoder.rgb(overlay());
  }

  /** {@link #overlayPng} as a JPEG. */
  public byte[] overlayJpg() {
    return JpegEncoder.encode(overlay(), OVERLAY_JPEG_QUALITY);
  }

  /** A small overlay (longest side {@code maxSide}) for status pages: the overlay, shrunk. */
  public byte[] overlayThumbnailPng(int maxSide) {
    return PngEncoder.rgb(HeatmapRendering.shrink(overlay(), maxSide));
  }

  private RgbImage overlay() {
    if (original == null) {
      throw new IllegalStateException("an overlay needs the original image");
    }
    if (overlay == null) {
      overlay = HeatmapRendering.overlayRgb(original, values(), Colormap.BWR, HeatmapRendering.DEFAULT_OVERLAY_ALPHA);
    }
    return overlay;
  }

  private float[] values() {
    if (values == null) {
      values = HeatmapRendering.normalizeMinMaxInPlace(HeatmapRendering.upsample(explanation.heatmap(),
          explanation.gridHeight(), explanation.gridWidth(), width, height));
    }
    return values;
  }
}
