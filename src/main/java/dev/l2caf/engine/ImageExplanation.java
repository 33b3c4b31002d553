package dev.l2caf.engine;

import java.util.List;
import java.util.Map;

/**
 * Everything explained about one image: the model's top-5 and one explanation per target class.
 *
 * @param timingsMs this image's share of each stage of its batch ({@code forward}, {@code solve}, {@code boxes})
 */
public record ImageExplanation(
    String source, int width, int height, String model, String layer, String mode,
    List<Prediction> predictions, List<ClassExplanation> explanations, Map<String, Double> timingsMs) {}
