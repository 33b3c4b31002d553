package dev.l2caf.config;

import static dev.l2caf.config.ConfigDef.Type.INT;
import static dev.l2caf.config.ConfigDef.Type.LONG;
import static dev.l2caf.config.ConfigDef.Type.STRING;
import static dev.l2caf.config.Validators.atLeast;
import static dev.l2caf.config.Validators.nonBlank;

import java.time.Duration;

/** How a worker batches, bounds and explains requests. */
public record WorkerSettings(
    String model,
    int maxBatch,
    Duration maxWait,
    long maxImageBytes,
    long maxImagePixels,
    int maxClassesPerRequest,
    int modelCacheSize,
    Duration shutdownTimeout) {

  public static final String MODEL = "worker.model";
  public static final String MAX_BATCH = "worker.max-batch";
  public static final String MAX_WAIT_MS = "worker.max-wait-ms";
  public static final String MAX_IMAGE_BYTES = "worker.max-image-bytes";
  public static final String MAX_IMAGE_PIXELS = "worker.max-image-pixels";
  public static final String MAX_CLASSES_PER_REQUEST = "worker.max-classes-per-request";
  public static final String MODEL_CACHE_SIZE = "worker.model-cache-size";
  public static final String SHUTDOWN_TIMEOUT_S = "worker.shutdown-timeout-s";

  static void define(ConfigDef def) {
    def.define(MODEL, STRING, "mobilenet-v2-100-224", nonBlank(),
            "The default model (used when a request names none): a name in the model store, a model folder,"
                + " or an s3:// folder in an allowed input bucket (downloaded into the store at startup).")
        .define(MAX_BATCH, INT, 32, atLeast(1),
            "Most images explained together in one batch.")
        .define(MAX_WAIT_MS, INT, 25, atLeast(0),
            "Longest a partial batch waits for more images, in milliseconds.")
        .define(MAX_IMAGE_BYTES, LONG, 10_485_760L, atLeast(1),
            "Largest encoded input image accepted, in bytes.")
        .define(MAX_IMAGE_PIXELS, LONG, 40_000_000L, atLeast(1),
            "Largest decoded input image accepted, in pixels (width x height).")
        .define(MAX_CLASSES_PER_REQUEST, INT, 10, atLeast(1),
            "Most classes one request may ask explanations for.")
        .define(MODEL_CACHE_SIZE, INT, 4, atLeast(1),
            "Most models kept loaded at once.")
        .define(SHUTDOWN_TIMEOUT_S, INT, 30, atLeast(0),
            "Longest a stopping worker waits for in-flight requests, in seconds.");
  }

  static WorkerSettings from(ConfigDef.Values values) {
    return new WorkerSettings(
        values.string(MODEL),
        values.intValue(MAX_BATCH),
        Duration.ofMillis(values.intValue(MAX_WAIT_MS)),
        values.longValue(MAX_IMAGE_BYTES),
        values.longValue(MAX_IMAGE_PIXELS),
        values.intValue(MAX_CLASSES_PER_REQUEST),
        values.intValue(MODEL_CACHE_SIZE),
        Duration.ofSeconds(values.intValue(SHUTDOWN_TIMEOUT_S)));
  }
}
