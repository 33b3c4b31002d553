package dev.l2caf.model.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small TFLite flatbuffers for tests, field by field as TFLite's schema lays them out (written
 * here independently of the reader's accessors).
 */
final class TinyTflite {
  static final byte FLOAT32 = 0;
  static final byte INT32 = 2;
  static final byte UINT8 = 3;
  static final byte INT8 = 9;

  private final FlatBufferBuilder fb = new FlatBufferBuilder(1024);
  private final List<Integer> tensors = new ArrayList<>();
  private final List<Integer> buffers = new ArrayList<>();
  private final List<Integer> operators = new ArrayList<>();
  private final List<Integer> opcodes = new ArrayList<>();

  TinyTflite() {
    fb.startTable(1);
    buffers.add(fb.endTable()); // buffer 0: the empty buffer of computed tensors
  }

  /** A tensor computed at run time; returns its index. */
  int tensor(String name, byte type, int... shape) {
    return tensor(name, type, shape, null, null, null, 0);
  }

  /** A float constant. */
  int constant(String name, int[] shape, float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return tensor(name, FLOAT32, shape, bytes.array(), null, null, 0);
  }

  /** An int32 constant without quantization (a shape, axes). */
  int ints(String name, int... values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bytes.asIntBuffer().put(values);
    return tensor(name, INT32, new int[] {values.length}, bytes.array(), null, null, 0);
  }

  int tensor(String name, byte type, int[] shape, byte[] data, float[] scale, long[] zeroPoint, int dimension) {
    int buffer = 0;
    if (data != null) {
      int bytes = fb.createByteVector(data);
      fb.startTable(1);
      fb.addOffset(0, bytes, 0);
      buffer = buffers.size();
      buffers.add(fb.endTable());
    }
    int quantization = 0;
    if (scale != null) {
      int scales = floatVector(scale);
      int zeros = longVector(zeroPoint);
      fb.startTable(7);
      fb.addOffset(2, scales, 0);
      fb.addOffset(3, zeros, 0);
      fb.addInt(6, dimension, 0);
      quantization = fb.endTable();
    }
    int nameOffset = fb.createString(name);
    int shapeOffset = intVector(shape);
    fb.startTable(5);
    fb.addOffset(0, shapeOffset, 0);
    fb.addByte(1, type, 0);
    fb.addInt(2, buffer, 0);
    fb.addOffset(3, nameOffset, 0);
    if (quantization != 0) {
      fb.addOffset(4, quantization, 0);
    }
    tensors.add(fb.endTable());
    return tensors.size() - 1;
  }

  /** An operator code; {@code custom} names a custom operator (builtin 32). */
  int opcode(int builtin, String custom) {
    int customOffset = custom == null ? 0 : fb.createString(custom);
    fb.startTable(4);
    fb.addByte(0, (byte) Math.min(builtin, 127), 0);
    if (customOffset != 0) {
      fb.addOffset(1, customOffset, 0);
    }
    fb.addInt(2, 1, 1);
    fb.addInt(3, builtin, 0);
    opcodes.add(fb.endTable());
    return opcodes.size() - 1;
  }

  /** For building an options table: startTable, add fields by slot, endTable gives its offset. */
  FlatBufferBuilder builder() {
    return fb;
  }

  void operator(int opcode, int[] inputs, int[] outputs, int optionsType, int options) {
    int in = intVector(inputs);
    int out = intVector(outputs);
    fb.startTable(5);
    fb.addInt(0, opcode, 0);
    fb.addOffset(1, in, 0);
    fb.addOffset(2, out, 0);
    if (optionsType != 0) {
      fb.addByte(3, (byte) optionsType, 0);
      fb.addOffset(4, options, 0);
    }
    operators.add(fb.endTable());
  }

  byte[] finish(int[] inputs, int[] outputs) {
    int tensorVector = tableVector(tensors);
    int in = intVector(inputs);
    int out = intVector(outputs);
    int operatorVector = tableVector(operators);
    fb.startTable(5);
    fb.addOffset(0, tensorVector, 0);
    fb.addOffset(1, in, 0);
    fb.addOffset(2, out, 0);
    fb.addOffset(3, operatorVector, 0);
    int subgraph = fb.endTable();
    int opcodeVector = tableVector(opcodes);
    int subgraphs = tableVector(List.of(subgraph));
    int bufferVector = tableVector(buffers);
    fb.startTable(5);
    fb.addInt(0, 3, 0);
    fb.addOffset(1, opcodeVector, 0);
    fb.addOffset(2, subgraphs, 0);
    fb.addOffset(4, bufferVector, 0);
    fb.finish(fb.endTable(), "TFL3");
    return fb.sizedByteArray();
  }

  private int intVector(int[] values) {
    fb.startVector(4, values.length, 4);
    for (int i = values.length - 1; i >= 0; i--) {
      fb.addInt(values[i]);
    }
    return fb.endVector();
  }

  private int floatVector(float[] values) {
    fb.startVector(4, values.length, 4);
    for (int i = values.length - 1; i >= 0; i--) {
      fb.addFloat(values[i]);
    }
    return fb.endVector();
  }

  private int longVector(long[] values) {
    fb.startVector(8, values.length, 8);
    for (int i = values.length - 1; i >= 0; i--) {
      fb.addLong(values[i]);
    }
    return fb.endVector();
  }

  private int tableVector(List<Integer> tables) {
    int[] offsets = tables.stream().mapToInt(Integer::intValue).toArray();
    fb.startVector(4, offsets.length, 4);
    for (int i = offsets.length - 1; i >= 0; i--) {
      fb.addOffset(offsets[i]);
    }
    return fb.endVector();
  }
}
