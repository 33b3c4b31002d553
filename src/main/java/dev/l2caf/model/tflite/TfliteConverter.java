package dev.l2caf.model.tflite;

import com.google.protobuf.ByteString;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.tflite.Schema.Model;
import dev.l2caf.model.tflite.Schema.Operator;
import dev.l2caf.model.tflite.Schema.OptionsType;
import dev.l2caf.model.tflite.Schema.QuantizationParameters;
import dev.l2caf.model.tflite.Schema.SubGraph;
import dev.l2caf.model.tflite.Schema.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Translates a TensorFlow Lite classifier into an equivalent float TensorFlow GraphDef, so a .tflite model
 * goes through the same loading, batching and graph surgery as a frozen graph.
 *
 * <p>Quantized weights and biases become float constants; activation quantization is dropped
 * (QUANTIZE and DEQUANTIZE become no-ops), so the graph computes in float what the integer model
 * approximates. The graph input is a float placeholder named {@value #INPUT}: for a quantized input
 * tensor it takes the dequantized value {@code scale * (q - zero_point)}.
 *
 * <p>Each op's output node is named after its TFLite output tensor (the first name of the converter's
 * ';'-separated list, made a valid TF node name), so a manifest can name layers as the model's author
 * did; the nodes that a fused op needs before its output (Conv2D, BiasAdd) get that name plus a suffix.
 */
public final class TfliteConverter {
  private static final Logger log = LoggerFactory.getLogger(TfliteConverter.class);

  /** The name of the graph's input placeholder. */
  public static final String INPUT = "input";

  private static final Map<Integer, String> SUPPORTED = new TreeMap<>(Map.of(
      BuiltinOperator.ADD, "ADD",
      BuiltinOperator.AVERAGE_POOL_2D, "AVERAGE_POOL_2D",
      BuiltinOperator.CONV_2D, "CONV_2D",
      BuiltinOperator.DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D",
      BuiltinOperator.DEQUANTIZE, "DEQUANTIZE",
      BuiltinOperator.MEAN, "MEAN",
      BuiltinOperator.QUANTIZE, "QUANTIZE",
      BuiltinOperator.RESHAPE, "RESHAPE",
      BuiltinOperator.SOFTMAX, "SOFTMAX"));

  /** ActivationFunctionType values and the TF op of each that the converter supports. */
  private static final Map<Byte, String> ACTIVATIONS = Map.of((byte) 1, "Relu", (byte) 3, "Relu6", (byte) 4, "Tanh");
  private static final String[] ACTIVATION_NAMES = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"};

  private final Model model;
  private final SubGraph subgraph;
  private final int tensorCount;
  private final List<NodeDef> nodes = new ArrayList<>();
  private final Set<String> usedNames = new HashSet<>();
  /** The TF tensor ("node" or "node:k") that holds each TFLite tensor computed so far. */
  private final Map<Integer, String> computed = new HashMap<>();
  /** Tensors that stand for another one (the outputs of QUANTIZE and DEQUANTIZE). */
  private final Map<Integer, Integer> aliases = new HashMap<>();
  /** Constant nodes made so far, by tensor and layout. */
  private final Map<String, String> constants = new HashMap<>();

  private TfliteConverter(Model model) {
    this.model = model;
    if (model.subgraphCount() == 0) {
      throw new MalformedTfliteException("the model has no subgraph");
    }
    this.subgraph = model.subgraph(0);
    this.tensorCount = subgraph.tensorCount();
  }

  /** Reads the .tflite file and converts it; every problem is a {@link ModelException} naming the model. */
  public static GraphDef read(Path file, String modelName) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelException("model " + modelName + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    return convert(ByteBuffer.wrap(bytes), modelName + " (" + file.getFileName() + ")");
  }

  /** Converts a TFLite flatbuffer; {@code modelName} labels the errors. */
  public static GraphDef convert(ByteBuffer flatbuffer, String modelName) {
    long start = System.nanoTime();
    try {
      TfliteConverter converter = new TfliteConverter(Model.root(flatbuffer));
      GraphDef graph = converter.convert();
      log.info("model {}: converted {} TFLite operators into {} TF nodes in {} ms", modelName,
          converter.subgraph.operatorCount(), graph.getNodeCount(), (System.nanoTime() - start) / 1_000_000);
      return graph;
    } catch (MalformedTfliteException e) {
      throw new ModelException("model " + modelName + ": not a valid TFLite model (corrupt or truncated file?): "
          + e.getMessage(), e);
    } catch (UnsupportedTfliteException e) {
      throw new ModelException("model " + modelName + ": " + e.getMessage(), e);
    }
  }

  private GraphDef convert() {
    checkOperatorsSupported();
    int[] inputs = subgraph.inputs();
    if (inputs.length != 1) {
      throw new UnsupportedTfliteException("the model has " + inputs.length
          + " inputs; an image classifier with one input tensor is supported");
    }
    addInput(inputs[0]);
    for (int i = 0; i < subgraph.operatorCount(); i++) {
      convert(i, subgraph.operator(i));
    }
    GraphDef.Builder graph = GraphDef.newBuilder().addAllNode(nodes);
    return graph.build();
  }

  /** Fails before any work on the first operator the converter cannot translate, naming all of them. */
  private void checkOperatorsSupported() {
    Set<String> unsupported = new LinkedHashSet<>();
    String first = null;
    for (int i = 0; i < subgraph.operatorCount(); i++) {
      int code = builtinCode(subgraph.operator(i));
      if (!SUPPORTED.containsKey(code)) {
        String name = code == BuiltinOperator.CUSTOM
            ? "custom operator '" + model.operatorCode(opcodeIndex(subgraph.operator(i))).customCode() + "'"
            : "operator " + BuiltinOperator.name(code) + " (builtin " + code + ")";
        if (first == null) {
          first = "TFLite " + name + " at operator " + i;
        }
        unsupported.add(name);
      }
    }
    if (first != null) {
      unsupported.remove(unsupported.iterator().next());
      throw new UnsupportedTfliteException(first + " is not supported"
          + (unsupported.isEmpty() ? "" : " (nor " + String.join(", ", unsupported) + ")")
          + "; supported: " + String.join(", ", SUPPORTED.values()));
    }
  }

  private int opcodeIndex(Operator op) {
    long index = op.opcodeIndex();
    if (index >= model.operatorCodeCount()) {
      throw op.malformed("uses operator code " + index + " of " + model.operatorCodeCount());
    }
    return (int) index;
  }

  private int builtinCode(Operator op) {
    return model.operatorCode(opcodeIndex(op)).builtinCode();
  }

  private void addInput(int index) {
    Tensor tensor = tensor(index);
    QuantizationParameters quantization = tensor.quantization();
    if (quantization != null && quantization.scale().length == 1) {
      long zero = quantization.zeroPoint().length == 0 ? 0 : quantization.zeroPoint()[0];
      log.info("TFLite input {} is {} with scale {} and zero point {}: the float input is scale * (q - zero point)",
          tensor.name(), Schema.TensorType.name(tensor.type()), quantization.scale()[0], zero);
    }
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int d : tensor.shapeSignature()) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    nodes.add(node(INPUT, "Placeholder")
        .putAttr("dtype", type(DataType.DT_FLOAT))
        .putAttr("shape", AttrValue.newBuilder().setShape(shape).build())
        .build());
    usedNames.add(INPUT);
    computed.put(index, INPUT);
  }

  private void convert(int index, Operator op) {
    int code = builtinCode(op);
    int[] inputs = op.inputs();
    int[] outputs = op.outputs();
    String name = SUPPORTED.get(code);
    int needed = switch (code) {
      case BuiltinOperator.ADD, BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.MEAN -> 2;
      default -> 1;
    };
    if (inputs.length < needed || outputs.length != 1) {
      throw op.malformed("(" + name + ") has " + inputs.length + " inputs and " + outputs.length + " outputs");
    }
    for (int t : inputs) {
      if (t >= tensorCount || t < -1) {
        throw op.malformed("(" + name + ") reads tensor " + t + " of " + tensorCount);
      }
    }
    int output = outputs[0];
    tensor(output); // checks the index
    String at = "operator " + index + " (" + name + ")";
    switch (code) {
      case BuiltinOperator.QUANTIZE, BuiltinOperator.DEQUANTIZE -> aliases.put(output, resolve(inputs[0]));
      case BuiltinOperator.CONV_2D -> conv2d(at, op, inputs, output);
      case BuiltinOperator.DEPTHWISE_CONV_2D -> depthwise(at, op, inputs, output);
      case BuiltinOperator.ADD -> {
        Schema.AddOptions options = op.options(OptionsType.ADD, Schema.AddOptions::new);
        activated(at, output, options == null ? 0 : options.activation(), "AddV2", (pre, out) -> node(pre, "AddV2")
            .addInput(value(at, inputs[0]))
            .addInput(value(at, inputs[1]))
            .putAttr("T", type(DataType.DT_FLOAT)));
      }
      case BuiltinOperator.MEAN -> {
        Schema.ReducerOptions options = op.options(OptionsType.REDUCER, Schema.ReducerOptions::new);
        String node = outputName(output);
        nodes.add(node(node, "Mean")
            .addInput(value(at, inputs[0]))
            .addInput(intConstant(at, inputs[1], node + "/axes"))
            .putAttr("keep_dims", AttrValue.newBuilder().setB(options != null && options.keepDims()).build())
            .putAttr("T", type(DataType.DT_FLOAT))
            .putAttr("Tidx", type(DataType.DT_INT32))
            .build());
        computed.put(output, node);
      }
      case BuiltinOperator.AVERAGE_POOL_2D -> {
        Schema.Pool2DOptions options = require(at, op.options(OptionsType.POOL_2D, Schema.Pool2DOptions::new));
        activated(at, output, options.activation(), "AvgPool", (pre, out) -> node(pre, "AvgPool")
            .addInput(value(at, inputs[0]))
            .putAttr("ksize", ints(1, options.filterHeight(), options.filterWidth(), 1))
            .putAttr("strides", ints(1, options.strideH(), options.strideW(), 1))
            .putAttr("padding", padding(at, options.padding()))
            .putAttr("data_format", string("NHWC"))
            .putAttr("T", type(DataType.DT_FLOAT)));
      }
      case BuiltinOperator.RESHAPE -> reshape(at, op, inputs, output);
      case BuiltinOperator.SOFTMAX -> {
        Schema.SoftmaxOptions options = op.options(OptionsType.SOFTMAX, Schema.SoftmaxOptions::new);
        if (options != null && options.beta() != 1f) {
          throw new UnsupportedTfliteException("TFLite " + at + " has beta " + options.beta()
              + "; a softmax with beta 1 is supported");
        }
        String node = outputName(output);
        nodes.add(node(node, "Softmax").addInput(value(at, inputs[0])).putAttr("T", type(DataType.DT_FLOAT)).build());
        computed.put(output, node);
      }
      default -> throw new IllegalStateException("operator code " + code + " passed the support check");
    }
  }

  private void conv2d(String at, Operator op, int[] inputs, int output) {
    Schema.Conv2DOptions options = require(at, op.options(OptionsType.CONV_2D, Schema.Conv2DOptions::new));
    // TFLite filters are [out, h, w, in]; TF's Conv2D takes [h, w, in, out].
    String filter = floatConstant(at, inputs[1], "filter", Layout.OHWI_TO_HWIO);
    String bias = inputs.length > 2 && inputs[2] >= 0 ? floatConstant(at, inputs[2], "bias", Layout.AS_IS) : null;
    String x = value(at, inputs[0]);
    convolution(at, output, options.activation(), bias, pre -> node(pre, "Conv2D")
        .addInput(x)
        .addInput(filter)
        .putAttr("strides", ints(1, options.strideH(), options.strideW(), 1))
        .putAttr("dilations", ints(1, options.dilationH(), options.dilationW(), 1))
        .putAttr("padding", padding(at, options.padding()))
        .putAttr("data_format", string("NHWC"))
        .putAttr("T", type(DataType.DT_FLOAT)), "Conv2D");
  }

  private void depthwise(String at, Operator op, int[] inputs, int output) {
    Schema.DepthwiseConv2DOptions options =
        require(at, op.options(OptionsType.DEPTHWISE_CONV_2D, Schema.DepthwiseConv2DOptions::new));
    // TFLite's [1, h, w, in * multiplier] holds the same values in the same order as TF's [h, w, in, multiplier].
    int[] inputShape = tensor(resolve(inputs[0])).shape();
    int[] filterShape = tensor(resolve(inputs[1])).shape();
    if (inputShape.length != 4 || filterShape.length != 4 || filterShape[0] != 1 || inputShape[3] <= 0
        || filterShape[3] % inputShape[3] != 0) {
      throw new UnsupportedTfliteException("TFLite " + at + " has input shape " + Arrays.toString(inputShape)
          + " and filter shape " + Arrays.toString(filterShape)
          + "; NHWC input and a [1, h, w, c * m] filter are supported");
    }
    int channels = inputShape[3];
    Layout layout =
        new Layout("hwcm" + channels, shape -> new int[] {shape[1], shape[2], channels, shape[3] / channels}, null);
    String filter = floatConstant(at, inputs[1], "filter", layout);
    String bias = inputs.length > 2 && inputs[2] >= 0 ? floatConstant(at, inputs[2], "bias", Layout.AS_IS) : null;
    String x = value(at, inputs[0]);
    convolution(at, output, options.activation(), bias, pre -> node(pre, "DepthwiseConv2dNative")
        .addInput(x)
        .addInput(filter)
        .putAttr("strides", ints(1, options.strideH(), options.strideW(), 1))
        .putAttr("dilations", ints(1, options.dilationH(), options.dilationW(), 1))
        .putAttr("padding", padding(at, options.padding()))
        .putAttr("data_format", string("NHWC"))
        .putAttr("T", type(DataType.DT_FLOAT)), "depthwise");
  }

  /** A convolution, then its bias (BiasAdd) and fused activation, the last node named after the output. */
  private void convolution(String at, int output, byte activation, String bias,
      Function<String, NodeDef.Builder> conv, String convSuffix) {
    if (bias == null) {
      activated(at, output, activation, convSuffix, (pre, name) -> conv.apply(pre));
      return;
    }
    activated(at, output, activation, "BiasAdd", (pre, name) -> {
      String convName = uniqueName(name + "/" + convSuffix);
      nodes.add(conv.apply(convName).build());
      return node(pre, "BiasAdd")
          .addInput(convName)
          .addInput(bias)
          .putAttr("data_format", string("NHWC"))
          .putAttr("T", type(DataType.DT_FLOAT));
    });
  }

  /**
   * Adds the node that {@code op} builds (given its name and the output's) and, for a fused activation,
   * the activation after it. The last node gets the output tensor's name; the one before an activation
   * gets that name plus "/" {@code suffix}.
   */
  private void activated(String at, int output, byte activation, String suffix,
      BiFunction<String, String, NodeDef.Builder> op) {
    String tfActivation = ACTIVATIONS.get(activation);
    if (activation != 0 && tfActivation == null) {
      throw new UnsupportedTfliteException("TFLite " + at + " has fused activation "
          + (activation >= 0 && activation < ACTIVATION_NAMES.length ? ACTIVATION_NAMES[activation] : activation)
          + "; NONE, RELU, RELU6 and TANH are supported");
    }
    String name = outputName(output);
    if (activation == 0) {
      nodes.add(op.apply(name, name).build());
    } else {
      String pre = uniqueName(name + "/" + suffix);
      nodes.add(op.apply(pre, name).build());
      nodes.add(node(name, tfActivation).addInput(pre).putAttr("T", type(DataType.DT_FLOAT)).build());
    }
    computed.put(output, name);
  }

  private void reshape(String at, Operator op, int[] inputs, int output) {
    String node = outputName(output);
    String shape;
    if (inputs.length > 1 && inputs[1] >= 0) {
      shape = intConstant(at, inputs[1], node + "/shape");
    } else {
      Schema.ReshapeOptions options = require(at, op.options(OptionsType.RESHAPE, Schema.ReshapeOptions::new));
      shape = addIntConstant(node + "/shape", options.newShape());
    }
    nodes.add(node(node, "Reshape")
        .addInput(value(at, inputs[0]))
        .addInput(shape)
        .putAttr("T", type(DataType.DT_FLOAT))
        .putAttr("Tshape", type(DataType.DT_INT32))
        .build());
    computed.put(output, node);
  }

  private static <T> T require(String at, T options) {
    if (options == null) {
      throw new MalformedTfliteException(at + " has no options");
    }
    return options;
  }

  // --- tensors -----------------------------------------------------------------------------------------

  private Tensor tensor(int index) {
    if (index < 0 || index >= tensorCount) {
      throw new MalformedTfliteException("tensor index " + index + " is not among the " + tensorCount + " tensors");
    }
    return subgraph.tensor(index);
  }

  private int resolve(int index) {
    Integer alias = aliases.get(index);
    return alias == null ? index : alias;
  }

  /** The data of a constant tensor, or null for one computed at run time. */
  private ByteBuffer constantData(int index) {
    long buffer = tensor(index).buffer();
    if (buffer == 0) {
      return null;
    }
    if (buffer >= model.bufferCount()) {
      throw new MalformedTfliteException("tensor " + index + " uses buffer " + buffer + " of " + model.bufferCount());
    }
    Schema.Buffer data = model.buffer((int) buffer);
    ByteBuffer inline = data.data();
    if (inline.remaining() == 0 && data.offset() > 1) {
      throw new UnsupportedTfliteException("tensor " + index + " keeps its data after the flatbuffer (a model over"
          + " 2 GB); data inside the flatbuffer is supported");
    }
    return inline.remaining() > 0 ? inline : null;
  }

  /** The TF tensor holding a TFLite tensor that an operator reads: computed before, or a float constant. */
  private String value(String at, int index) {
    int source = resolve(index);
    String tf = computed.get(source);
    if (tf != null) {
      return tf;
    }
    if (constantData(source) != null) {
      return floatConstant(at, source, "value", Layout.AS_IS);
    }
    throw new MalformedTfliteException(at + " reads tensor " + index + " (" + tensor(index).name()
        + ") before any operator computes it");
  }

  /** How a constant's values are rearranged for TF: a shape mapping and, if needed, a permutation. */
  private record Layout(String key, Function<int[], int[]> shape, int[] permutation) {
    static final Layout AS_IS = new Layout("as-is", s -> s, null);
    static final Layout OHWI_TO_HWIO = new Layout("hwio", s -> new int[] {s[1], s[2], s[3], s[0]}, new int[] {1, 2, 3, 0});
  }

  private String floatConstant(String at, int index, String role, Layout layout) {
    int source = resolve(index);
    String key = source + "/" + layout.key();
    String existing = constants.get(key);
    if (existing != null) {
      return existing;
    }
    Tensor tensor = tensor(source);
    ByteBuffer data = constantData(source);
    if (data == null) {
      throw new UnsupportedTfliteException("TFLite " + at + " computes its " + role + " (tensor " + source
          + ") at run time; a constant " + role + " is supported");
    }
    int[] shape = tensor.shape();
    if (layout.permutation() != null && shape.length != 4) {
      throw new MalformedTfliteException(at + " has a " + role + " of shape " + Arrays.toString(shape));
    }
    float[] values = Constants.floats(tensorLabel(source, tensor), tensor.type(), shape, data, tensor.quantization());
    if (layout.permutation() != null) {
      values = transpose4(values, shape, layout.permutation());
    }
    int[] tfShape = layout.shape().apply(shape);
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    String name = addConstant(computedName(source, role), DataType.DT_FLOAT, tfShape, ByteString.copyFrom(bytes));
    constants.put(key, name);
    return name;
  }

  /** An int32 constant from a TFLite tensor (shapes, axes). */
  private String intConstant(String at, int index, String name) {
    int source = resolve(index);
    String key = source + "/int";
    String existing = constants.get(key);
    if (existing != null) {
      return existing;
    }
    Tensor tensor = tensor(source);
    ByteBuffer data = constantData(source);
    if (data == null) {
      throw new UnsupportedTfliteException("TFLite " + at + " computes its tensor " + source + " ("
          + tensor.name() + ") at run time; a constant is supported");
    }
    String node = addIntConstant(name, Constants.ints(tensorLabel(source, tensor), tensor.type(), tensor.shape(), data));
    constants.put(key, node);
    return node;
  }

  private String addIntConstant(String name, int[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asIntBuffer().put(values);
    return addConstant(name, DataType.DT_INT32, new int[] {values.length}, ByteString.copyFrom(bytes));
  }

  private String addConstant(String name, DataType type, int[] shape, ByteString content) {
    String unique = uniqueName(name);
    TensorShapeProto.Builder tfShape = TensorShapeProto.newBuilder();
    for (int d : shape) {
      tfShape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    TensorProto tensor = TensorProto.newBuilder().setDtype(type).setTensorShape(tfShape).setTensorContent(content).build();
    nodes.add(node(unique, "Const")
        .putAttr("dtype", type(type))
        .putAttr("value", AttrValue.newBuilder().setTensor(tensor).build())
        .build());
    return unique;
  }

  /** Reorders a row-major 4-D array: output dimension k is input dimension {@code permutation[k]}. */
  private static float[] transpose4(float[] values, int[] shape, int[] permutation) {
    int[] stride = {shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1};
    int[] outShape = new int[4];
    for (int k = 0; k < 4; k++) {
      outShape[k] = shape[permutation[k]];
    }
    float[] out = new float[values.length];
    int o = 0;
    for (int a = 0; a < outShape[0]; a++) {
      for (int b = 0; b < outShape[1]; b++) {
        for (int c = 0; c < outShape[2]; c++) {
          int base = a * stride[permutation[0]] + b * stride[permutation[1]] + c * stride[permutation[2]];
          for (int d = 0; d < outShape[3]; d++) {
            out[o++] = values[base + d * stride[permutation[3]]];
          }
        }
      }
    }
    return out;
  }

  // --- names -------------------------------------------------------------------------------------------

  private static String tensorLabel(int index, Tensor tensor) {
    return index + " (" + primaryName(tensor.name(), index) + ")";
  }

  /** The name of the node that computes an op's output tensor. */
  private String outputName(int output) {
    return uniqueName(primaryName(tensor(output).name(), output));
  }

  /** Constants are named after the tensor's own name and their role ("filter", "bias"). */
  private String computedName(int index, String role) {
    return primaryName(tensor(index).name(), index) + "/" + role;
  }

  /**
   * A valid TF node name from a TFLite tensor name: the MLIR converter writes the names of all the TF ops
   * it fused into the tensor, separated by ';'; the first is the op that produced it.
   */
  static String primaryName(String tensorName, int index) {
    String first = tensorName.split(";", 2)[0];
    String name = first.replaceAll("[^A-Za-z0-9_.\\-/]", "_").replaceAll("/{2,}", "/").replaceAll("^/+|/+$", "");
    if (name.isEmpty()) {
      return "tensor_" + index;
    }
    return Character.isLetterOrDigit(name.charAt(0)) || name.charAt(0) == '.' ? name : "t" + name;
  }

  /** {@code name}, or {@code name_1}, {@code name_2}... if taken. */
  private String uniqueName(String name) {
    String unique = name;
    for (int i = 1; !usedNames.add(unique); i++) {
      unique = name + "_" + i;
    }
    return unique;
  }

  private static NodeDef.Builder node(String name, String op) {
    return NodeDef.newBuilder().setName(name).setOp(op);
  }

  private static AttrValue type(DataType type) {
    return AttrValue.newBuilder().setType(type).build();
  }

  private static AttrValue string(String value) {
    return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(value)).build();
  }

  private static AttrValue ints(long... values) {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
    for (long v : values) {
      list.addI(v);
    }
    return AttrValue.newBuilder().setList(list).build();
  }

  private static AttrValue padding(String at, byte padding) {
    return switch (padding) {
      case Schema.PADDING_SAME -> string("SAME");
      case Schema.PADDING_VALID -> string("VALID");
      default -> throw new MalformedTfliteException(at + " has padding " + padding + " (SAME is 0, VALID 1)");
    };
  }
}
