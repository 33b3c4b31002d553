package dev.l2caf;

import dev.l2caf.config.ServiceConfig;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelLoader;
import dev.l2caf.model.store.ModelCatalog;
import dev.l2caf.model.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The shipped model and sample photos, loaded once per test JVM and shared by the tests that read them. */
public final class TestAssets {
  /**
   * The model store the build fills before the tests run (the pom's pull-test-models step runs the real
   * {@code models pull}) and hands to them as {@code L2CAF_MODELS}; models are not in git.
   */
  public static final Path MODEL_STORE =
      Path.of(Optional.ofNullable(System.getenv("L2CAF_MODELS")).orElse("target/model-store"));
  /** The default model, as a user gets it: by name from the store. */
  public static final String MODEL_NAME = ServiceConfig.defaults().worker().model();
  public static final Path MODEL_DIR = MODEL_STORE.resolve(MODEL_NAME);
  /** MobileNet v1 0.50 (a frozen GraphDef, 7x7 average pool): the small catalog model. */
  public static final Path SMALL_MODEL_DIR = MODEL_STORE.resolve("mobilenet-v1-050-224");
  public static final Path SAMPLES = Path.of("samples");
  /** The read-only models beside the checkout (../shared/models): reference copies tests compare against. */
  public static final Path SHARED_MODELS = Path.of(System.getProperty("l2caf.shared.models", "../shared/models"));
  public static final Path SHARED_V2 = SHARED_MODELS.resolve("mobilenet_v2_100_224_tf2_ptq");

  /** The tests' model store, with no mirrors: tests never download. */
  public static ModelStore modelStore() {
    return new ModelStore(MODEL_STORE, List.of(), ModelCatalog.shipped());
  }

  private static LoadedModel model;
  private static LoadedModel smallModel;
  private static ImagePipeline pipeline;

  private TestAssets() {}

  public static synchronized LoadedModel model() {
    if (model == null) {
      model = ModelLoader.load(MODEL_DIR);
    }
    return model;
  }

  /** MobileNet v1 0.50, for tests of what only a frozen GraphDef with its layout shows. */
  public static synchronized LoadedModel smallModel() {
    if (smallModel == null) {
      smallModel = ModelLoader.load(SMALL_MODEL_DIR);
    }
    return smallModel;
  }

  public static synchronized ImagePipeline pipeline() {
    if (pipeline == null) {
      pipeline = new ImagePipeline(model().inputSpec(), ImageLimits.defaults());
    }
    return pipeline;
  }

  public static byte[] sampleBytes(String name) {
    try {
      return Files.readAllBytes(SAMPLES.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PreparedImage sample(String name) {
    return pipeline().prepare(name, sampleBytes(name), true);
  }

  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** This process's resident set size in bytes, from /proc (Linux). */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
