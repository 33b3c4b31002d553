package dev.l2caf.model;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Frees a graph exported with a fixed batch size so it runs on batches of any size: the input
 * placeholder's first dimension and every constant Reshape target that starts with that size (downstream
 * of the input) become -1.
 */
final class BatchDimension {
  private static final Logger log = LoggerFactory.getLogger(BatchDimension.class);

  private BatchDimension() {}

  static GraphDef makeDynamic(GraphDef graphDef, String inputTensor) {
    GraphIndex index = new GraphIndex(graphDef);
    NodeDef input = index.node(inputTensor);
    TensorShapeProto shape = input.getAttrOrThrow("shape").getShape();
    if (shape.getUnknownRank() || shape.getDimCount() == 0 || shape.getDim(0).getSize() <= 0) {
      return graphDef;
    }
    long fixedBatch = shape.getDim(0).getSize();
    Set<String> downstream = index.downstream(input.getName());
    List<String> rewritten = new ArrayList<>();
    GraphDef.Builder out = graphDef.toBuilder();
    for (int i = 0; i < out.getNodeCount(); i++) {
      NodeDef node = out.getNode(i);
      if (node.getName().equals(input.getName())) {
        TensorShapeProto dynamic = shape.toBuilder().setDim(0, shape.getDim(0).toBuilder().setSize(-1)).build();
        out.setNode(i, node.toBuilder().putAttr("shape", AttrValue.newBuilder().setShape(dynamic).build()));
        rewritten.add(node.getName());
      } else if (isBatchShapeConstant(index, node, downstream, fixedBatch)) {
        out.setNode(i, withFirstElementFree(node));
        rewritten.add(node.getName());
      }
    }
    log.info("graph exported with batch size {}: made the batch dimension free in {}", fixedBatch, rewritten);
    return out.build();
  }

  /** A 1-D int constant used as the shape of a Reshape that runs on batch data, starting with the fixed batch. */
  private static boolean isBatchShapeConstant(GraphIndex index, NodeDef node, Set<String> downstream, long batch) {
    if (!node.getOp().equals("Const")) {
      return false;
    }
    boolean shapesBatchData =
        index.consumers(node.getName()).stream()
            .map(index::node)
            .anyMatch(c -> c.getOp().equals("Reshape")
                && downstream.contains(c.getName())
                && c.getInputCount() > 1
                && GraphIndex.nodeName(c.getInput(1)).equals(node.getName()));
    if (!shapesBatchData) {
      return false;
    }
    long[] values = intValues(node.getAttrOrThrow("value").getTensor());
    if (values.length == 0 || values[0] != batch) {
      return false;
    }
    for (long v : values) {
      if (v == -1) {
        return false; // a second -1 would be ambiguous
      }
    }
    return true;
  }

  private static NodeDef withFirstElementFree(NodeDef node) {
    TensorProto tensor = node.getAttrOrThrow("value").getTensor();
    long[] values = intValues(tensor);
    values[0] = -1;
    return node.toBuilder().putAttr("value", AttrValue.newBuilder().setTensor(intTensor(tensor, values)).build()).build();
  }

  static long[] intValues(TensorProto tensor) {
    boolean int64 = tensor.getDtype() == DataType.DT_INT64;
    if (tensor.getDtype() != DataType.DT_INT32 && !int64) {
      return new long[0];
    }
    if (!tensor.getTensorContent().isEmpty()) {
      ByteBuffer bytes = tensor.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long[] values = new long[bytes.remaining() / (int64 ? 8 : 4)];
      for (int i = 0; i < values.length; i++) {
        values[i] = int64 ? bytes.getLong() : bytes.getInt();
      }
      return values;
    }
    return int64
        ? tensor.getInt64ValList().stream().mapToLong(Long::longValue).toArray()
        : tensor.getIntValList().stream().mapToLong(Integer::longValue).toArray();
  }

  private static TensorProto intTensor(TensorProto like, long[] values) {
    boolean int64 = like.getDtype() == DataType.DT_INT64;
    ByteBuffer bytes = ByteBuffer.allocate(values.length * (int64 ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      if (int64) {
        bytes.putLong(v);
      } else {
        bytes.putInt((int) v);
      }
    }
    bytes.flip();
    return like.toBuilder()
        .clearIntVal()
        .clearInt64Val()
        .setTensorContent(ByteString.copyFrom(bytes))
        .setTensorShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(values.length)))
        .build();
  }
}
