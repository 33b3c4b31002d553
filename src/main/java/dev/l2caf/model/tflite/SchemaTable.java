package dev.l2caf.model.tflite;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A flatbuffer table accessor that checks every offset and length against the buffer before it reads,
 * so a corrupt or truncated file fails with a {@link MalformedTfliteException} naming what was being
 * read, never with an index error from deep inside a read.
 *
 * <p>Field slots are numbered as in the schema: slot k is the k-th field (a union takes two slots, its
 * type and its value).
 */
abstract class SchemaTable extends Table {
  private final String[] fieldNames;
  private int inlineSize;
  private String what;

  /** @param fieldNames the schema's field names by slot, for messages */
  SchemaTable(String... fieldNames) {
    this.fieldNames = fieldNames;
  }

  private String field(int slot) {
    return (slot < fieldNames.length ? fieldNames[slot] : "field") + " (field " + slot + ")";
  }

  /** Positions this accessor at the table that starts at {@code position}; returns this. */
  @SuppressWarnings("unchecked")
  final <T extends SchemaTable> T attach(ByteBuffer buffer, long position, String what) {
    this.what = what;
    int limit = buffer.limit();
    require(position >= 0 && position <= limit - 4L, "starts at byte " + position, limit);
    long vtable = position - buffer.getInt((int) position);
    require(vtable >= 0 && vtable <= limit - 4L, "has its field table at byte " + vtable, limit);
    int vtableSize = Short.toUnsignedInt(buffer.getShort((int) vtable));
    int tableSize = Short.toUnsignedInt(buffer.getShort((int) vtable + 2));
    require(vtableSize >= 4 && vtableSize % 2 == 0 && vtable + vtableSize <= limit,
        "has a field table of " + vtableSize + " bytes at byte " + vtable, limit);
    require(tableSize >= 4 && position + tableSize <= limit, "has " + tableSize + " bytes at byte " + position, limit);
    __reset((int) position, buffer);
    this.inlineSize = tableSize;
    return (T) this;
  }

  /** The offset of a field inside the table, 0 when absent; the field's {@code bytes} must fit the table. */
  private int field(int slot, int bytes) {
    int offset = __offset(4 + 2 * slot);
    if (offset != 0 && (offset < 4 || offset + bytes > inlineSize)) {
      throw malformed("has its " + field(slot) + " outside its " + inlineSize + "-byte table");
    }
    return offset;
  }

  final byte byteField(int slot, byte absent) {
    int o = field(slot, 1);
    return o == 0 ? absent : bb.get(bb_pos + o);
  }

  final boolean boolField(int slot) {
    return byteField(slot, (byte) 0) != 0;
  }

  final int intField(int slot, int absent) {
    int o = field(slot, 4);
    return o == 0 ? absent : bb.getInt(bb_pos + o);
  }

  final float floatField(int slot, float absent) {
    int o = field(slot, 4);
    return o == 0 ? absent : bb.getFloat(bb_pos + o);
  }

  final long longField(int slot, long absent) {
    int o = field(slot, 8);
    return o == 0 ? absent : bb.getLong(bb_pos + o);
  }

  /** Where an offset field points, or -1 when absent. */
  private long target(int slot) {
    int o = field(slot, 4);
    if (o == 0) {
      return -1;
    }
    return checkedTarget(bb_pos + o, "has its " + field(slot) + " at byte");
  }

  private long checkedTarget(int offsetAt, String which) {
    long target = offsetAt + Integer.toUnsignedLong(bb.getInt(offsetAt));
    require(target <= bb.limit() - 4L, which + " " + target, bb.limit());
    return target;
  }

  /** A vector's first element and length; {@code Span.EMPTY} when the field is absent. */
  private Span vector(int slot, int elementBytes) {
    long start = target(slot);
    if (start < 0) {
      return Span.EMPTY;
    }
    long length = Integer.toUnsignedLong(bb.getInt((int) start));
    require(start + 4 + length * elementBytes <= bb.limit(),
        "has its " + field(slot) + " of " + length + " elements at byte " + start + " and on", bb.limit());
    return new Span((int) start + 4, (int) length);
  }

  final int[] intVector(int slot) {
    Span span = vector(slot, 4);
    int[] values = new int[span.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = bb.getInt(span.start() + 4 * i);
    }
    return values;
  }

  final float[] floatVector(int slot) {
    Span span = vector(slot, 4);
    float[] values = new float[span.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = bb.getFloat(span.start() + 4 * i);
    }
    return values;
  }

  final long[] longVector(int slot) {
    Span span = vector(slot, 8);
    long[] values = new long[span.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = bb.getLong(span.start() + 8 * i);
    }
    return values;
  }

  /** A little-endian view of a byte vector (empty when absent). */
  final ByteBuffer byteVector(int slot) {
    Span span = vector(slot, 1);
    return bb.duplicate().position(span.start()).limit(span.start() + span.length()).slice()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  final String string(int slot) {
    Span span = vector(slot, 1);
    byte[] bytes = new byte[span.length()];
    bb.duplicate().position(span.start()).get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  final int tableVectorLength(int slot) {
    return vector(slot, 4).length();
  }

  /** Element {@code index} of a vector of tables. */
  final <T extends SchemaTable> T tableVectorElement(int slot, int index, Supplier<T> accessor, String name) {
    Span span = vector(slot, 4);
    if (index < 0 || index >= span.length()) {
      throw malformed("has no " + name + " " + index);
    }
    int offsetAt = span.start() + 4 * index;
    return accessor.get().attach(bb, checkedTarget(offsetAt, "has its " + name + " " + index + " at byte"),
        name + " " + index);
  }

  /** A table field, or null when absent. */
  final <T extends SchemaTable> T table(int slot, Supplier<T> accessor, String name) {
    long at = target(slot);
    return at < 0 ? null : accessor.get().attach(bb, at, what + " " + name);
  }

  private void require(boolean ok, String problem, int limit) {
    if (!ok) {
      throw malformed(problem + ", but the file has " + limit + " bytes");
    }
  }

  final MalformedTfliteException malformed(String problem) {
    return new MalformedTfliteException(what + " " + problem);
  }

  private record Span(int start, int length) {
    static final Span EMPTY = new Span(0, 0);
  }
}
