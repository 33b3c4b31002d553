package dev.l2caf.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Optional;

/**
 * The contents of a model folder's {@code model.yaml}: where the graph is, how its input is prepared,
 * which tensors are the logits and the explainable layers. Tensor names without ":k" mean output 0.
 *
 * <p>{@code logits} and the {@code last} layer may be omitted: they are then detected from the graph
 * (the input of the final Softmax; the input of the global pooling before the classifier).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelManifest(
    @JsonProperty(value = "name", required = true) String name,
    @JsonProperty("description") String description,
    @JsonProperty("format") String format,
    @JsonProperty(value = "graph", required = true) String graph,
    @JsonProperty(value = "input", required = true) Input input,
    @JsonProperty("logits") String logits,
    @JsonProperty(value = "labels", required = true) Labels labels,
    @JsonProperty("layers") Map<String, String> layers) {

  /** A frozen TensorFlow GraphDef (the default). */
  public static final String FROZEN_GRAPH = "frozen-graph";

  /** A TensorFlow Lite flatbuffer, converted to a float GraphDef on load. */
  public static final String TFLITE = "tflite";

  /** The name of the layer that fast mode uses: the last convolutional feature map. */
  public static final String LAST_LAYER = "last";

  public ModelManifest {
    format = format == null ? FROZEN_GRAPH : format;
    layers = layers == null ? Map.of() : Map.copyOf(layers);
  }

  public Optional<String> logitsTensor() {
    return Optional.ofNullable(logits);
  }

  /**
   * How raw pixels become the model input: {@code x = pixel * scale + offset}, or {@code (pixel - mean) / std}
   * per channel when mean and std are given.
   */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Input(
      @JsonProperty(value = "tensor", required = true) String tensor,
      @JsonProperty(value = "width", required = true) int width,
      @JsonProperty(value = "height", required = true) int height,
      @JsonProperty("channel-order") String channelOrder,
      @JsonProperty("scale") Float scale,
      @JsonProperty("offset") Float offset,
      @JsonProperty("mean") float[] mean,
      @JsonProperty("std") float[] std,
      @JsonProperty("resize") String resize) {}

  /** The labels file; {@code offset} is added to a line's index to get the model output index. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Labels(
      @JsonProperty(value = "file", required = true) String file,
      @JsonProperty("offset") int offset) {}
}
