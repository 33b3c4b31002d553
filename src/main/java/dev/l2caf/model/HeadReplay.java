package dev.l2caf.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TFloat32;

/**
 * Graph surgery: the part of a network between a layer and the logits, as a recipe that can be built
 * again in the same graph on a new input (the filtered feature map). Weights and other nodes that do not
 * depend on the layer are shared with the original graph, so each copy costs only the path's ops.
 *
 * <p>Rebuilding the path, instead of feeding the original one, lets one session call run several
 * optimization steps (each step needs its own copy of the head and of its gradient).
 */
public final class HeadReplay {
  private static final Map<String, OpDef> OP_DEFS =
      TensorFlow.registeredOpList().getOpList().stream().collect(Collectors.toMap(OpDef::getName, Function.identity()));

  /** Ops whose output is an affine function of the inputs that depend on the layer. */
  private static final Set<String> AFFINE_IN_ONE_INPUT =
      Set.of("Conv2D", "DepthwiseConv2dNative", "MatMul", "BatchMatMul", "BatchMatMulV2", "Mul", "RealDiv");

  private static final Set<String> AFFINE =
      Set.of("AvgPool", "Mean", "Identity", "Squeeze", "Reshape", "ExpandDims", "BiasAdd", "Add", "AddV2", "Sub",
          "ConcatV2", "Pad", "StopGradient", "Snapshot", "Transpose");

  private final String layer;
  private final String logits;
  private final List<NodeDef> path;
  private final Set<String> onPath;
  private final boolean poolsFirst;

  HeadReplay(GraphIndex graph, String layer, String logits) {
    this.layer = layer;
    this.logits = logits;
    this.path = graph.between(layer, logits);
    if (path.isEmpty()) {
      throw new ModelException("layer " + layer + " does not lead to the logits " + logits);
    }
    this.onPath = path.stream().map(NodeDef::getName).collect(Collectors.toSet());
    this.poolsFirst = path.stream()
        .filter(node -> node.getInputList().stream().anyMatch(i -> !i.startsWith("^")
            && GraphIndex.nodeName(i).equals(GraphIndex.nodeName(layer))
            && GraphIndex.outputIndex(i) == GraphIndex.outputIndex(layer)))
        .allMatch(node -> isSpatialMean(graph, node));
  }

  public String layer() {
    return layer;
  }

  /** The op types between the layer and the logits, in order (for logs). */
  public List<String> opTypes() {
    return path.stream().map(NodeDef::getOp).toList();
  }

  /**
   * Whether the logits are an affine function of the layer's output (pooling, linear layers, reshapes,
   * inference batch norm): then the class-specific loss is linear in the filter and has an exact optimum.
   */
  public boolean isAffine() {
    for (NodeDef node : path) {
      long pathInputs = node.getInputList().stream()
          .filter(i -> !i.startsWith("^"))
          .filter(i -> onPath.contains(GraphIndex.nodeName(i)) || GraphIndex.nodeName(i).equals(GraphIndex.nodeName(layer)))
          .count();
      boolean affine =
          AFFINE.contains(node.getOp())
              || (AFFINE_IN_ONE_INPUT.contains(node.getOp()) && pathInputs == 1)
              || (node.getOp().startsWith("FusedBatchNorm") && pathInputs == 1 && !isTraining(node));
      if (!affine) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether every op that reads the layer is a Mean over height and width, so that the logits depend on the
   * layer only through its spatial mean: z(A) = h(mean_hw A). Then a [N, 1, 1, C] input is A's mean itself,
   * and the head accepts any spatial size.
   */
  public boolean poolsFirst() {
    return poolsFirst;
  }

  private static boolean isSpatialMean(GraphIndex graph, NodeDef node) {
    if (!node.getOp().equals("Mean") || node.getInputCount() < 2) {
      return false;
    }
    String axesName = GraphIndex.nodeName(node.getInput(1));
    if (!graph.contains(axesName)) {
      return false;
    }
    NodeDef axes = graph.node(axesName);
    AttrValue value = axes.getAttrMap().get("value");
    if (!axes.getOp().equals("Const") || value == null) {
      return false;
    }
    Set<Long> reduced = Set.copyOf(integers(value.getTensor()));
    return reduced.equals(Set.of(1L, 2L)) || reduced.equals(Set.of(-3L, -2L));
  }

  /** The values of an integer constant, written as a list or as raw little-endian bytes. */
  private static List<Long> integers(TensorProto tensor) {
    List<Long> out = new ArrayList<>();
    tensor.getIntValList().forEach(v -> out.add((long) v));
    tensor.getInt64ValList().forEach(out::add);
    ByteBuffer bytes = tensor.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean wide = tensor.getDtype() == DataType.DT_INT64;
    while (bytes.remaining() >= (wide ? 8 : 4)) {
      out.add(wide ? bytes.getLong() : bytes.getInt());
    }
    return out;
  }

  private static boolean isTraining(NodeDef node) {
    AttrValue training = node.getAttrMap().get("is_training");
    return training != null && training.getB();
  }

  /**
   * Builds a copy of the head in {@code graph} that reads {@code features} where the original read the
   * layer, and returns its logits. Names are made unique under {@code scope}.
   */
  public Output<TFloat32> build(Graph graph, Scope scope, Operand<TFloat32> features) {
    Map<String, Operation> copies = new HashMap<>();
    String layerNode = GraphIndex.nodeName(layer);
    int layerOutput = GraphIndex.outputIndex(layer);
    for (NodeDef node : path) {
      OperationBuilder builder = graph.opBuilder(node.getOp(), scope.makeOpName(simpleName(node)), scope);
      if (!scope.getDeviceString().isEmpty()) {
        builder.setDevice(scope.getDeviceString());
      }
      List<Output<?>> inputs = new ArrayList<>();
      for (String input : node.getInputList()) {
        if (input.startsWith("^")) {
          String control = GraphIndex.nodeName(input);
          builder.addControlInput(copies.containsKey(control) ? copies.get(control) : graph.operationOrThrow(control));
          continue;
        }
        String name = GraphIndex.nodeName(input);
        int index = GraphIndex.outputIndex(input);
        if (name.equals(layerNode) && index == layerOutput) {
          inputs.add(features.asOutput());
        } else if (copies.containsKey(name)) {
          inputs.add(copies.get(name).output(index));
        } else {
          GraphOperation original = graph.operationOrThrow(name);
          inputs.add(original.output(index));
        }
      }
      addInputs(builder, node, inputs);
      node.getAttrMap().forEach((key, value) -> {
        if (!key.startsWith("_")) {
          builder.setAttr(key, value);
        }
      });
      copies.put(node.getName(), builder.build());
    }
    return copies.get(GraphIndex.nodeName(logits)).output(GraphIndex.outputIndex(logits));
  }

  private static String simpleName(NodeDef node) {
    String name = node.getName();
    return name.substring(name.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_.\\-]", "_");
  }

  /** Groups the inputs into the op's argument lists (e.g. ConcatV2's N values) as its OpDef says. */
  private static void addInputs(OperationBuilder builder, NodeDef node, List<Output<?>> inputs) {
    OpDef def = OP_DEFS.get(node.getOp());
    if (def == null) {
      throw new ModelException("TensorFlow does not know op type " + node.getOp() + " (node " + node.getName() + ")");
    }
    int next = 0;
    for (OpDef.ArgDef arg : def.getInputArgList()) {
      int count = listLength(node, arg);
      if (count < 0) {
        builder.addInput(inputs.get(next++));
      } else {
        builder.addInputList(inputs.subList(next, next + count).toArray(new Output<?>[0]));
        next += count;
      }
    }
  }

  /** The length of a list argument, or -1 for a single tensor. */
  private static int listLength(NodeDef node, OpDef.ArgDef arg) {
    if (!arg.getNumberAttr().isEmpty()) {
      return (int) node.getAttrOrThrow(arg.getNumberAttr()).getI();
    }
    if (!arg.getTypeListAttr().isEmpty()) {
      return node.getAttrOrThrow(arg.getTypeListAttr()).getList().getTypeCount();
    }
    return -1;
  }
}
