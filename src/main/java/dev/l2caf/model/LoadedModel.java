package dev.l2caf.model;

import dev.l2caf.image.ChannelOrder;
import dev.l2caf.image.InputSpec;
import dev.l2caf.image.ResizeMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A model in memory: its graph (with a free batch dimension), one session, its labels and the layers it
 * can explain. Solvers add their ops to the same graph, so heads share the model's weights.
 *
 * <p>Users hold a {@link Lease}; the native graph and session are freed once the model is closed (for
 * example evicted from the cache) and the last lease is returned.
 */
public final class LoadedModel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoadedModel.class);

  private final String name;
  private final Path folder;
  private final ModelManifest manifest;
  private final GraphIndex index;
  private final Graph graph;
  private final Session session;
  private final Labels labels;
  private final String inputTensor;
  private final String logitsTensor;
  private final Map<String, String> layers;
  private final int numClasses;
  private final String device;
  private final Map<String, HeadReplay> heads = new ConcurrentHashMap<>();
  private final Map<Object, Object> programs = new ConcurrentHashMap<>();
  private final AtomicInteger leases = new AtomicInteger();
  private volatile boolean closing;
  private boolean closed;

  LoadedModel(Path folder, ModelManifest manifest, GraphIndex index, Graph graph, Session session, Labels labels,
      String logitsTensor, Map<String, String> layers, int numClasses, String device) {
    this.name = manifest.name();
    this.folder = folder;
    this.manifest = manifest;
    this.index = index;
    this.graph = graph;
    this.session = session;
    this.labels = labels;
    this.inputTensor = manifest.input().tensor();
    this.logitsTensor = logitsTensor;
    this.layers = Map.copyOf(layers);
    this.numClasses = numClasses;
    this.device = device;
  }

  /** Where this model's ops run ({@code /device:GPU:0}), or null where TensorFlow chooses. */
  public String device() {
    return device;
  }

  /** An op builder for new ops in this model's graph, under a fresh name scope and on its device. */
  public Ops ops(String scope) {
    Ops tf = Ops.create(graph).withSubScope(scope);
    return device == null ? tf : tf.withDevice(deviceSpec(device));
  }

  /** "/device:GPU:1" as a DeviceSpec. */
  private static DeviceSpec deviceSpec(String placement) {
    String[] typeAndIndex = placement.substring(placement.indexOf("/device:") + "/device:".length()).split(":");
    return DeviceSpec.newBuilder()
        .deviceType(DeviceSpec.DeviceType.valueOf(typeAndIndex[0]))
        .deviceIndex(Integer.parseInt(typeAndIndex[1]))
        .build();
  }

  public String name() {
    return name;
  }

  public Path folder() {
    return folder;
  }

  public Labels labels() {
    return labels;
  }

  public int numClasses() {
    return numClasses;
  }

  public Graph graph() {
    return graph;
  }

  public Session session() {
    return session;
  }

  /** The named layers of the manifest (with {@code last} resolved), name to tensor. */
  public Map<String, String> layers() {
    return layers;
  }

  public InputSpec inputSpec() {
    ModelManifest.Input in = manifest.input();
    ChannelOrder order = ChannelOrder.valueOf(
        in.channelOrder() == null ? "RGB" : in.channelOrder().toUpperCase(Locale.ROOT));
    ResizeMode resize = in.resize() == null
        ? ResizeMode.SQUASH
        : ResizeMode.valueOf(in.resize().toUpperCase(Locale.ROOT).replace('-', '_'));
    InputSpec spec = in.mean() != null
        ? InputSpec.meanStd(in.width(), in.height(), order, in.mean(), in.std())
        : InputSpec.scaleOffset(in.width(), in.height(), order,
            in.scale() == null ? 1f : in.scale(), in.offset() == null ? 0f : in.offset());
    return spec.withResizeMode(resize);
  }

  /**
   * The tensor of a layer given by its manifest name (e.g. {@code last}, {@code conv7}) or by a tensor name
   * of the graph.
   */
  public String layerTensor(String layer) {
    String tensor = layers.get(layer);
    if (tensor != null) {
      return tensor;
    }
    if (index.contains(layer) && !layer.isBlank()) {
      return layer;
    }
    throw new ModelException(ModelException.Kind.UNKNOWN_LAYER, "unknown layer '" + layer + "' for model " + name + "; named layers: "
        + String.join(", ", layers.keySet().stream().sorted().toList()) + " (or any tensor name of the graph)");
  }

  /** The network after a layer, ready to be rebuilt on a filtered feature map. */
  public HeadReplay head(String layerTensor) {
    return heads.computeIfAbsent(layerTensor, t -> {
      HeadReplay head = new HeadReplay(index, t, logitsTensor);
      log.info("model {}: head after {} is {} ({})", name, t, head.opTypes(), head.isAffine() ? "affine" : "non-linear");
      return head;
    });
  }

  /**
   * A value built once per model and key (solver programs: ops added to this model's graph). Graph
   * building is serialized; running sessions concurrently is safe.
   */
  @SuppressWarnings("unchecked")
  public <T> T program(Object key, java.util.function.Supplier<T> build) {
    Object existing = programs.get(key);
    if (existing != null) {
      return (T) existing;
    }
    synchronized (graph) {
      return (T) programs.computeIfAbsent(key, k -> build.get());
    }
  }

  /** Runs the network on a batch of prepared inputs: logits, and the feature maps of {@code layerTensor}. */
  public Forward forward(List<float[]> inputs, String layerTensor) {
    ModelManifest.Input in = manifest.input();
    try (TFloat32 batch = Tensors.stack(inputs, in.height(), in.width(), 3);
         Result result = session.runner()
             .feed(inputTensor, batch)
             .fetch(logitsTensor)
             .fetch(layerTensor)
             .run()) {
      Tensor features = result.get(1);
      long[] s = features.shape().asArray();
      if (s.length != 4) {
        throw new ModelException("layer " + layerTensor + " is not a feature map [N,H,W,C]: shape " + features.shape());
      }
      return new Forward(Tensors.matrix(result.get(0)),
          new FeatureMap((int) s[0], (int) s[1], (int) s[2], (int) s[3], Tensors.values(features)));
    }
  }

  /** Logits only (classification). */
  public float[][] logits(List<float[]> inputs) {
    ModelManifest.Input in = manifest.input();
    try (TFloat32 batch = Tensors.stack(inputs, in.height(), in.width(), 3);
         Result result = session.runner().feed(inputTensor, batch).fetch(logitsTensor).run()) {
      return Tensors.matrix(result.get(0));
    }
  }

  /** Takes a lease: the model stays open until it is returned, even if it is evicted meanwhile. */
  public Lease lease() {
    leases.incrementAndGet();
    if (closing) {
      release();
      throw new ModelException("model " + name + " was closed");
    }
    return new Lease(this);
  }

  private void release() {
    if (leases.decrementAndGet() == 0 && closing) {
      free();
    }
  }

  @Override
  public void close() {
    closing = true;
    if (leases.get() == 0) {
      free();
    }
  }

  synchronized boolean isFreed() {
    return closed;
  }

  private synchronized void free() {
    if (!closed) {
      closed = true;
      session.close();
      graph.close();
      log.info("model {} closed", name);
    }
  }

  /** A user's hold on a model; return it with {@link #close()}. */
  public static final class Lease implements AutoCloseable {
    private final LoadedModel model;
    private boolean returned;

    private Lease(LoadedModel model) {
      this.model = model;
    }

    public LoadedModel model() {
      return model;
    }

    @Override
    public synchronized void close() {
      if (!returned) {
        returned = true;
        model.release();
      }
    }
  }
}
