package dev.l2caf.model;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.NodeDef;

/**
 * Finds the logits and the last feature map of a classification graph when its manifest does not name
 * them: the logits are the input of the final Softmax; the feature map is the input of the global
 * pooling op on the way to the logits.
 */
final class LayerDetector {
  private static final Set<String> POOLING = Set.of("AvgPool", "Mean", "MaxPool", "Max");

  private LayerDetector() {}

  static String logits(GraphIndex graph) {
    List<NodeDef> softmaxes =
        graph.nodes().stream().filter(n -> n.getOp().equals("Softmax")).toList();
    // The final Softmax is the one no other Softmax depends on.
    Optional<NodeDef> last =
        softmaxes.stream()
            .filter(s -> softmaxes.stream().noneMatch(o -> o != s && graph.upstream(o.getName()).contains(s.getName())))
            .findFirst();
    return last.map(s -> s.getInput(0))
        .orElseThrow(() -> new ModelException(
            "the graph has no Softmax to find the logits from: name them with 'logits:' in model.yaml"));
  }

  static String lastFeatureMap(GraphIndex graph, String logits) {
    NodeDef node = graph.node(logits);
    // Walk up the first data input until the global pooling.
    for (int steps = 0; steps < 64; steps++) {
      if (POOLING.contains(node.getOp())) {
        return node.getInput(0);
      }
      List<String> inputs = graph.dataInputNodes(node);
      if (inputs.isEmpty()) {
        break;
      }
      node = graph.node(node.getInput(0));
    }
    throw new ModelException(
        "found no global pooling before the logits " + logits + ": name the 'last' layer in model.yaml");
  }
}
