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

  /** A small overlay (longest side {@code maxSide}) for status pages. */
  public static byte[] overlayThumbnailPng(ClassExplanation e, RgbImage original, int maxSide) {
    double scale = Math.min(1.0, (double) maxSide / Math.max(original.width(), original.height()));
    int w = Math.max(1, (int) Math.round(original.width() * scale));
    int h = Math.max(1, (int) Math.round(original.height() * scale));
    java.awt.image.BufferedImage small = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = small.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(original.toBufferedImage(), 0, 0, w, h, null);
    g.dispose();
    return overlayPng(e, RgbImage.from(small));
  }

  private static float[] scaled(ClassExplanation e, int width, int height) {
    return HeatmapRendering.normalizeMinMax(
        HeatmapRendering.upsample(e.heatmap(), e.gridHeight(), e.gridWidth(), width, height));
  }
}
