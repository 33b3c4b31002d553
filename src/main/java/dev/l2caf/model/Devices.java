package dev.l2caf.model;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;

/**
 * The devices TensorFlow sees in this process (TensorFlow Java has no public API for this, so the C API's
 * device list of a throwaway session is read).
 */
public final class Devices {
  private static final Logger log = LoggerFactory.getLogger(Devices.class);

  /** A device, e.g. {@code /job:localhost/replica:0/task:0/device:GPU:0} of type {@code GPU}. */
  public record Device(String name, String type, long memoryBytes) {
    /** The short form used for placement, e.g. {@code /device:GPU:0}. */
    public String placement() {
      return name.substring(name.indexOf("/device:"));
    }
  }

  private static List<Device> devices;

  private Devices() {}

  public static synchronized List<Device> list() {
    if (devices == null) {
      devices = List.copyOf(read());
      devices.forEach(d -> log.info("TensorFlow {} device {} ({} MiB)", TensorFlow.version(), d.placement(),
          d.memoryBytes() / 1_048_576));
    }
    return devices;
  }

  /** The GPU placements, e.g. {@code /device:GPU:0}; empty on a CPU-only machine or build. */
  public static List<String> gpus() {
    return list().stream().filter(d -> d.type().equals("GPU")).map(Device::placement).toList();
  }

  private static List<Device> read() {
    TensorFlow.version(); // loads the native library
    TF_Status status = TF_NewStatus();
    TF_Graph graph = TF_NewGraph();
    TF_SessionOptions options = TF_NewSessionOptions();
    TF_Session session = null;
    try {
      // The standard config grows GPU memory: listing devices must not reserve the cards.
      byte[] config = SessionConfigs.standard().toByteArray();
      try (BytePointer bytes = new BytePointer(config)) {
        TF_SetConfig(options, bytes, config.length, status);
      }
      check(status);
      session = TF_NewSession(graph, options, status);
      check(status);
      TF_DeviceList list = TF_SessionListDevices(session, status);
      check(status);
      List<Device> out = new ArrayList<>();
      for (int i = 0; i < TF_DeviceListCount(list); i++) {
        out.add(new Device(TF_DeviceListName(list, i, status).getString(), TF_DeviceListType(list, i, status).getString(),
            TF_DeviceListMemoryBytes(list, i, status)));
      }
      TF_DeleteDeviceList(list);
      return out;
    } finally {
      if (session != null) {
        TF_CloseSession(session, status);
        TF_DeleteSession(session, status);
      }
      TF_DeleteSessionOptions(options);
      TF_DeleteGraph(graph);
      TF_DeleteStatus(status);
    }
  }

  private static void check(TF_Status status) {
    if (TF_GetCode(status) != 0) {
      throw new IllegalStateException("TensorFlow cannot list its devices: " + TF_Message(status).getString());
    }
  }
}
