package dev.l2caf.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.l2caf.model.tflite.TfliteConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.GraphDef;

/** Reads a model folder (model.yaml + graph + labels) into a {@link LoadedModel}. */
public final class ModelLoader {
  private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ModelLoader() {}

  public static ModelManifest readManifest(Path folder) {
    Path file = folder.resolve("model.yaml");
    if (!Files.isDirectory(folder)) {
      throw new ModelException(ModelException.Kind.NOT_FOUND, "model folder " + folder + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new ModelException(ModelException.Kind.NOT_FOUND, "model folder " + folder + " has no model.yaml");
    }
    try {
      return YAML.readValue(file.toFile(), ModelManifest.class);
    } catch (IOException e) {
      throw new ModelException("invalid " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  public static LoadedModel load(Path folder) {
    return load(folder, null);
  }

  /**
   * Loads a model whose every op is placed on {@code device} (e.g. {@code /device:GPU:1}; soft placement
   * moves ops the device cannot run), or where TensorFlow chooses when null.
   */
  public static LoadedModel load(Path folder, String device) {
    long start = System.nanoTime();
    ModelManifest manifest = readManifest(folder);
    Path graphFile = folder.resolve(manifest.graph());
    GraphDef graphDef = switch (manifest.format()) {
      case ModelManifest.FROZEN_GRAPH -> readGraph(graphFile);
      case ModelManifest.TFLITE -> TfliteConverter.read(graphFile, manifest.name());
      default -> throw new ModelException("model " + manifest.name() + ": format '" + manifest.format()
          + "' is not supported; use a frozen GraphDef (format: " + ModelManifest.FROZEN_GRAPH
          + ") or a TensorFlow Lite model (format: " + ModelManifest.TFLITE + ")");
    };
    GraphIndex original = new GraphIndex(graphDef);
    if (!original.contains(manifest.input().tensor())) {
      throw new ModelException("model " + manifest.name() + ": the input tensor " + manifest.input().tensor()
          + " of model.yaml is not in the graph" + (ModelManifest.TFLITE.equals(manifest.format())
              ? "; a TFLite model's input is the placeholder '" + TfliteConverter.INPUT + "'" : ""));
    }
    GraphDef dynamic = onDevice(BatchDimension.makeDynamic(graphDef, manifest.input().tensor()), device);
    GraphIndex index = new GraphIndex(dynamic);

    String logits = manifest.logitsTensor().orElseGet(() -> {
      String detected = LayerDetector.logits(index);
      log.info("model {}: logits not in model.yaml, detected {} (input of the final Softmax)", manifest.name(), detected);
      return detected;
    });
    index.node(logits);
    Map<String, String> layers = new LinkedHashMap<>(manifest.layers());
    if (!layers.containsKey(ModelManifest.LAST_LAYER)) {
      String detected = LayerDetector.lastFeatureMap(index, logits);
      log.info("model {}: layer 'last' not in model.yaml, detected {} (input of the global pooling)", manifest.name(), detected);
      layers.put(ModelManifest.LAST_LAYER, detected);
    }
    layers.forEach((layer, tensor) -> {
      if (!index.contains(tensor)) {
        throw new ModelException("model " + manifest.name() + ": layer " + layer + " names tensor " + tensor
            + " that is not in the graph");
      }
    });
    Labels labels = Labels.read(folder.resolve(manifest.labels().file()), manifest.labels().offset());

    Graph graph = new Graph();
    try {
      graph.importGraphDef(dynamic);
      Session session = new Session(graph, SessionConfigs.standard());
      int numClasses = (int) graph.outputOrThrow(logits).shape().get(1);
      LoadedModel model =
          new LoadedModel(folder, manifest, index, graph, session, labels, logits, layers, numClasses, device);
      log.info("model {} loaded from {} in {} ms on {}: {} classes, layers {}", manifest.name(), folder,
          (System.nanoTime() - start) / 1_000_000, device == null ? "the default device" : device, numClasses,
          layers.keySet());
      return model;
    } catch (TensorFlowException | IllegalArgumentException e) {
      graph.close();
      throw new ModelException("model " + manifest.name() + ": TensorFlow cannot load the graph: " + e.getMessage(), e);
    }
  }

  private static GraphDef onDevice(GraphDef graphDef, String device) {
    if (device == null) {
      return graphDef;
    }
    GraphDef.Builder placed = graphDef.toBuilder();
    for (int i = 0; i < placed.getNodeCount(); i++) {
      placed.setNode(i, placed.getNode(i).toBuilder().setDevice(device));
    }
    return placed.build();
  }

  private static GraphDef readGraph(Path file) {
    try {
      return GraphDef.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ModelException("cannot read graph " + file + ": " + e.getMessage(), e);
    }
  }
}
