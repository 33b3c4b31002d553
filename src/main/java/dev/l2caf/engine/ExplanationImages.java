package dev.l2caf.engine;

import dev.l2caf.image.Colormap;
import dev.l2caf.image.HeatmapRendering;
import dev.l2caf.image.RgbImage;

/** The pictures of an explanation, for people: PNG bytes at the original image's size. */
public final class ExplanationImages {
  private ExplanationImages() {}

  /** The heatmap upsampled (bilinear) to the image size and scaled to [0, 1], as 8-bit grayscale. */
  public static byte[] heatmapPng(ClassExplanation e, int width, int height) {
    return HeatmapRendering.png(HeatmapRendering.grayscale(scaled(e, width, height), width, height));
  }

  /** The heatmap in the reference's blue-white-red colormap over the image. */
  public static byte[] overlayPng(ClassExplanation e, RgbImage original) {
    float[] values = scaled(e, original.width(), original.height());
    return HeatmapRendering.png(HeatmapRendering.overlay(original, values, Colormap.BWR, HeatmapRendering.DEFAULT_OVERLAY_ALPHA));
  }

  private static float[] scaled(ClassExplanation e, int width, int height) {
    return HeatmapRendering.normalizeMinMax(
        HeatmapRendering.upsample(e.heatmap(), e.gridHeight(), e.gridWidth(), width, height));
  }
}
