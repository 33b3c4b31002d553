package dev.l2caf.model.tflite;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Accessors for the tables of TensorFlow Lite's schema ({@code tensorflow/lite/schema/schema.fbs},
 * file identifier "TFL3") that the converter reads. Slot numbers follow the schema's field order; fields
 * the converter does not need are left out. Every read is bounds-checked ({@link SchemaTable}).
 */
final class Schema {
  static final String FILE_IDENTIFIER = "TFL3";

  private Schema() {}

  /** The root table. */
  static final class Model extends SchemaTable {
    Model() {
      super("version", "operator_codes", "subgraphs", "description", "buffers");
    }

    private static final int VERSION = 0;
    private static final int OPERATOR_CODES = 1;
    private static final int SUBGRAPHS = 2;
    private static final int BUFFERS = 4;

    /** The model in {@code file}, after checking its size and file identifier. */
    static Model root(ByteBuffer file) {
      ByteBuffer bb = file.slice().order(ByteOrder.LITTLE_ENDIAN);
      if (bb.limit() < 8) {
        throw new MalformedTfliteException("the file has " + bb.limit() + " bytes, too few for a flatbuffer header");
      }
      if (!Identifier.matches(bb)) {
        throw new MalformedTfliteException("the file has no TFLite identifier \"" + FILE_IDENTIFIER
            + "\" at bytes 4-7 (found " + Identifier.found(bb) + ")");
      }
      return new Model().attach(bb, Integer.toUnsignedLong(bb.getInt(0)), "the model");
    }

    int version() {
      return intField(VERSION, 0);
    }

    int operatorCodeCount() {
      return tableVectorLength(OPERATOR_CODES);
    }

    OperatorCode operatorCode(int i) {
      return tableVectorElement(OPERATOR_CODES, i, OperatorCode::new, "operator code");
    }

    int subgraphCount() {
      return tableVectorLength(SUBGRAPHS);
    }

    SubGraph subgraph(int i) {
      return tableVectorElement(SUBGRAPHS, i, SubGraph::new, "subgraph");
    }

    int bufferCount() {
      return tableVectorLength(BUFFERS);
    }

    Buffer buffer(int i) {
      return tableVectorElement(BUFFERS, i, Buffer::new, "buffer");
    }
  }

  /** Reads the identifier through the library's own check, which is protected in {@link Table}. */
  private static final class Identifier extends Table {
    static boolean matches(ByteBuffer bb) {
      return __has_identifier(bb, FILE_IDENTIFIER);
    }

    static String found(ByteBuffer bb) {
      StringBuilder text = new StringBuilder();
      for (int i = 4; i < 8; i++) {
        int b = bb.get(i) & 0xff;
        text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
      }
      return "\"" + text + "\"";
    }
  }

  static final class OperatorCode extends SchemaTable {
    OperatorCode() {
      super("deprecated_builtin_code", "custom_code", "version", "builtin_code");
    }

    private static final int DEPRECATED_BUILTIN_CODE = 0;
    private static final int CUSTOM_CODE = 1;
    private static final int BUILTIN_CODE = 3;

    /**
     * The builtin operator. Files from before schema version 3a hold it only in the byte-sized
     * {@code deprecated_builtin_code}; newer files write both, with 127 (a placeholder) in the old field
     * for codes that do not fit a byte: the larger of the two is the code (as TFLite's own reader does).
     */
    int builtinCode() {
      return Math.max(byteField(DEPRECATED_BUILTIN_CODE, (byte) 0), intField(BUILTIN_CODE, 0));
    }

    String customCode() {
      return string(CUSTOM_CODE);
    }
  }

  static final class SubGraph extends SchemaTable {
    SubGraph() {
      super("tensors", "inputs", "outputs", "operators", "name");
    }

    private static final int TENSORS = 0;
    private static final int INPUTS = 1;
    private static final int OUTPUTS = 2;
    private static final int OPERATORS = 3;

    int tensorCount() {
      return tableVectorLength(TENSORS);
    }

    Tensor tensor(int i) {
      return tableVectorElement(TENSORS, i, Tensor::new, "tensor");
    }

    int[] inputs() {
      return intVector(INPUTS);
    }

    int[] outputs() {
      return intVector(OUTPUTS);
    }

    int operatorCount() {
      return tableVectorLength(OPERATORS);
    }

    Operator operator(int i) {
      return tableVectorElement(OPERATORS, i, Operator::new, "operator");
    }
  }

  /** TensorType values. */
  static final class TensorType {
    static final byte FLOAT32 = 0;
    static final byte FLOAT16 = 1;
    static final byte INT32 = 2;
    static final byte UINT8 = 3;
    static final byte INT64 = 4;
    static final byte INT8 = 9;

    private TensorType() {}

    static String name(byte type) {
      String[] names = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64",
          "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4"};
      return type >= 0 && type < names.length ? names[type] : "type " + type;
    }
  }

  static final class Tensor extends SchemaTable {
    Tensor() {
      super("shape", "type", "buffer", "name", "quantization", "is_variable", "sparsity", "shape_signature");
    }

    private static final int SHAPE = 0;
    private static final int TYPE = 1;
    private static final int BUFFER = 2;
    private static final int NAME = 3;
    private static final int QUANTIZATION = 4;
    private static final int SHAPE_SIGNATURE = 7;

    int[] shape() {
      return intVector(SHAPE);
    }

    /** The shape with -1 for dimensions of unknown size; the plain shape when the file has no signature. */
    int[] shapeSignature() {
      int[] signature = intVector(SHAPE_SIGNATURE);
      return signature.length == 0 ? shape() : signature;
    }

    byte type() {
      return byteField(TYPE, TensorType.FLOAT32);
    }

    /** Index into the model's buffers; 0 is the always-empty buffer of tensors computed at run time. */
    long buffer() {
      return Integer.toUnsignedLong(intField(BUFFER, 0));
    }

    String name() {
      return string(NAME);
    }

    QuantizationParameters quantization() {
      return table(QUANTIZATION, QuantizationParameters::new, "quantization");
    }
  }

  /** Real value = scale * (q - zero_point), per tensor or per slice along {@code quantized_dimension}. */
  static final class QuantizationParameters extends SchemaTable {
    QuantizationParameters() {
      super("min", "max", "scale", "zero_point", "details_type", "details", "quantized_dimension");
    }

    private static final int SCALE = 2;
    private static final int ZERO_POINT = 3;
    private static final int DETAILS_TYPE = 4;
    private static final int QUANTIZED_DIMENSION = 6;

    float[] scale() {
      return floatVector(SCALE);
    }

    long[] zeroPoint() {
      return longVector(ZERO_POINT);
    }

    /** Nonzero for custom quantization schemes, whose details replace scale and zero point. */
    byte detailsType() {
      return byteField(DETAILS_TYPE, (byte) 0);
    }

    int quantizedDimension() {
      return intField(QUANTIZED_DIMENSION, 0);
    }
  }

  static final class Buffer extends SchemaTable {
    Buffer() {
      super("data", "offset", "size");
    }

    private static final int DATA = 0;
    private static final int OFFSET = 1;

    ByteBuffer data() {
      return byteVector(DATA);
    }

    /** For models over 2 GB: where the data lies after the flatbuffer, from the file start (0 or 1: none). */
    long offset() {
      return longField(OFFSET, 0);
    }
  }

  static final class Operator extends SchemaTable {
    Operator() {
      super("opcode_index", "inputs", "outputs", "builtin_options_type", "builtin_options");
    }

    private static final int OPCODE_INDEX = 0;
    private static final int INPUTS = 1;
    private static final int OUTPUTS = 2;
    private static final int BUILTIN_OPTIONS_TYPE = 3;
    private static final int BUILTIN_OPTIONS = 4;

    long opcodeIndex() {
      return Integer.toUnsignedLong(intField(OPCODE_INDEX, 0));
    }

    /** Tensor indices; -1 marks an omitted optional input. */
    int[] inputs() {
      return intVector(INPUTS);
    }

    int[] outputs() {
      return intVector(OUTPUTS);
    }

    /**
     * The builtin options if they are of union type {@code type}, or null when the operator has none (all
     * options at their schema defaults).
     */
    <T extends SchemaTable> T options(int type, java.util.function.Supplier<T> accessor) {
      int found = Byte.toUnsignedInt(byteField(BUILTIN_OPTIONS_TYPE, (byte) 0));
      if (found == 0) {
        return null;
      }
      if (found != type) {
        throw malformed("has builtin options of union type " + found + " where type " + type + " belongs");
      }
      return table(BUILTIN_OPTIONS, accessor, "options");
    }
  }

  /** BuiltinOptions union type values. */
  static final class OptionsType {
    static final int CONV_2D = 1;
    static final int DEPTHWISE_CONV_2D = 2;
    static final int POOL_2D = 5;
    static final int SOFTMAX = 9;
    static final int ADD = 11;
    static final int RESHAPE = 17;
    static final int REDUCER = 27;

    private OptionsType() {}
  }

  /** Padding values. */
  static final byte PADDING_SAME = 0;
  static final byte PADDING_VALID = 1;

  static final class Conv2DOptions extends SchemaTable {
    Conv2DOptions() {
      super("padding", "stride_w", "stride_h", "fused_activation_function", "dilation_w_factor", "dilation_h_factor");
    }

    byte padding() {
      return byteField(0, PADDING_SAME);
    }

    int strideW() {
      return intField(1, 0);
    }

    int strideH() {
      return intField(2, 0);
    }

    byte activation() {
      return byteField(3, (byte) 0);
    }

    int dilationW() {
      return intField(4, 1);
    }

    int dilationH() {
      return intField(5, 1);
    }
  }

  static final class DepthwiseConv2DOptions extends SchemaTable {
    DepthwiseConv2DOptions() {
      super("padding", "stride_w", "stride_h", "depth_multiplier", "fused_activation_function", "dilation_w_factor",
          "dilation_h_factor");
    }

    byte padding() {
      return byteField(0, PADDING_SAME);
    }

    int strideW() {
      return intField(1, 0);
    }

    int strideH() {
      return intField(2, 0);
    }

    int depthMultiplier() {
      return intField(3, 0);
    }

    byte activation() {
      return byteField(4, (byte) 0);
    }

    int dilationW() {
      return intField(5, 1);
    }

    int dilationH() {
      return intField(6, 1);
    }
  }

  static final class Pool2DOptions extends SchemaTable {
    Pool2DOptions() {
      super("padding", "stride_w", "stride_h", "filter_width", "filter_height", "fused_activation_function");
    }

    byte padding() {
      return byteField(0, PADDING_SAME);
    }

    int strideW() {
      return intField(1, 0);
    }

    int strideH() {
      return intField(2, 0);
    }

    int filterWidth() {
      return intField(3, 0);
    }

    int filterHeight() {
      return intField(4, 0);
    }

    byte activation() {
      return byteField(5, (byte) 0);
    }
  }

  static final class AddOptions extends SchemaTable {
    AddOptions() {
      super("fused_activation_function");
    }

    byte activation() {
      return byteField(0, (byte) 0);
    }
  }

  static final class ReshapeOptions extends SchemaTable {
    ReshapeOptions() {
      super("new_shape");
    }

    int[] newShape() {
      return intVector(0);
    }
  }

  static final class SoftmaxOptions extends SchemaTable {
    SoftmaxOptions() {
      super("beta");
    }

    float beta() {
      return floatField(0, 0f);
    }
  }

  /** Options of MEAN, SUM and the other reductions. */
  static final class ReducerOptions extends SchemaTable {
    ReducerOptions() {
      super("keep_dims");
    }

    boolean keepDims() {
      return boolField(0);
    }
  }
}
