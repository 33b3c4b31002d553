package dev.l2caf.pipeline;

import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.engine.Explainer;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelCache;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.ModelLoader;
import dev.l2caf.model.store.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch of jobs that share a {@link BatchKey} through the engine, on the calling thread. A job
 * that fails (bad image, unknown class, or an input on which TensorFlow fails the whole batch) is answered
 * alone; the rest of the batch goes on.
 */
public final class BatchProcessor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

  private final ModelCache models;
  private final Path defaultModel;
  private final String defaultName;
  private final ModelStore store;
  private final ImageLimits limits;
  private final Map<Path, ImagePipeline> pipelines = new ConcurrentHashMap<>();

  /** Requests that name no model get {@code defaultModel}; the others' names resolve in {@code store}. */
  public BatchProcessor(ModelCache models, Path defaultModel, ModelStore store, ImageLimits limits) {
    this.models = models;
    this.defaultModel = defaultModel;
    this.defaultName = ModelLoader.readManifest(defaultModel).name();
    this.store = store;
    this.limits = limits;
  }

  /** The folder of a request's model: the default (also by its name), or a model in the store by name. */
  public Path modelFolder(String name) {
    return name == null || name.equals(defaultName) ? defaultModel : store.resolve(name);
  }

  /** Loads (and warms) the default model on {@code device} so the first batch does not pay for it. */
  public void warmUp(String device) {
    try (LoadedModel.Lease lease = models.lease(defaultModel, device)) {
      Explainer.plan(lease.model(), ExplainOptions.defaults());
      pipeline(defaultModel, lease.model());
    }
  }

  /** Explains one batch where TensorFlow places it, on the calling thread. */
  public List<Outcome> process(BatchKey key, List<Job> jobs) {
    return process(key, jobs, null);
  }

  /**
   * Explains one batch on {@code device} ({@code /device:GPU:1}, or null where TensorFlow chooses), on the
   * calling thread.
   */
  public List<Outcome> process(BatchKey key, List<Job> jobs, String device) {
    return process(key, jobs, device, StageClock.NONE);
  }

  /** {@link #process(BatchKey, List, String)}, timing decode and the engine's stages on {@code clock}. */
  public List<Outcome> process(BatchKey key, List<Job> jobs, String device, StageClock clock) {
    List<Outcome> outcomes = new ArrayList<>();
    try (LoadedModel.Lease lease = models.lease(modelFolder(key.model()), device)) {
      LoadedModel model = lease.model();
      ImagePipeline pipeline = pipeline(modelFolder(key.model()), model);
      List<Job> ready = new ArrayList<>();
      List<PreparedImage> images = new ArrayList<>();
      for (Job job : jobs) {
        try {
          ExplainOptions options = job.request().options();
          Explainer.plan(model, options); // layer, classes and solver checked per request
          boolean overlay = job.request().outputs().stream().anyMatch(OutputKind::overlay);
          images.add(clock.time(Stage.DECODE, () -> pipeline.prepare(job.request().id(), job.imageBytes(), overlay)));
          ready.add(job);
        } catch (RuntimeException e) {
          outcomes.add(new Outcome.Failed(job, ErrorCodes.of(e)));
        }
      }
      if (!ready.isEmpty()) {
        explainIsolatingFailures(model, ready, images, outcomes, clock);
      }
    } catch (ModelException e) {
      RequestError error = ErrorCodes.of(e);
      jobs.forEach(j -> outcomes.add(new Outcome.Failed(j, error)));
    }
    return outcomes;
  }

  /**
   * Explains a batch. When the engine fails on it, each half is retried on its own, down to single jobs: an
   * input that fails TensorFlow for its whole batch (a poison pill) then fails alone, as MODEL_ERROR, and its
   * batch-mates are explained. One culprit costs about 2 log2(n) extra runs; a model that fails on every input
   * costs 2n - 1 runs in all before each job gets its error.
   */
  private static void explainIsolatingFailures(LoadedModel model, List<Job> jobs, List<PreparedImage> images,
      List<Outcome> outcomes, StageClock clock) {
    long start = System.nanoTime();
    List<ImageExplanation> results;
    try {
      results = Explainer.explain(model, images, jobs.stream().map(j -> j.request().options()).toList());
    } catch (RuntimeException e) {
      if (jobs.size() == 1) {
        log.warn("request {} failed in the engine: {}", jobs.get(0).request().id(), e.toString());
        outcomes.add(new Outcome.Failed(jobs.get(0), ErrorCodes.of(e)));
        return;
      }
      log.warn("batch of {} failed in the engine, retrying its halves apart: {}", jobs.size(), e.toString());
      int half = jobs.size() / 2;
      explainIsolatingFailures(model, jobs.subList(0, half), images.subList(0, half), outcomes, clock);
      explainIsolatingFailures(model, jobs.subList(half, jobs.size()), images.subList(half, images.size()), outcomes, clock);
      return;
    }
    long computeNanos = (System.nanoTime() - start) / jobs.size();
    for (int i = 0; i < jobs.size(); i++) {
      recordEngineStages(results.get(i).timingsMs(), clock);
      // Only the original travels on (for overlays): the model input is not needed any more.
      outcomes.add(new Outcome.Explained(jobs.get(i), results.get(i), images.get(i).original(), computeNanos));
    }
  }

  private static void recordEngineStages(Map<String, Double> timingsMs, StageClock clock) {
    for (Stage stage : Stage.ENGINE) {
      Double ms = timingsMs.get(stage.label());
      if (ms != null) {
        clock.record(stage, Math.round(ms * 1e6));
      }
    }
  }

  private ImagePipeline pipeline(Path folder, LoadedModel model) {
    return pipelines.computeIfAbsent(folder.toAbsolutePath().normalize(),
        f -> new ImagePipeline(model.inputSpec(), limits));
  }

  @Override
  public void close() {
    pipelines.values().forEach(ImagePipeline::close);
    pipelines.clear();
  }
}
