package dev.l2caf.service;

import dev.l2caf.config.ServiceConfig;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.model.ModelCache;
import dev.l2caf.model.store.ModelCatalog;
import dev.l2caf.model.store.ModelStore;
import dev.l2caf.pipeline.BatchProcessor;
import dev.l2caf.pipeline.RequestParser;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.S3ModelFolder;
import dev.l2caf.store.S3Uri;
import java.nio.file.Path;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explanation pipeline on a Vert.x instance: request consumer, explain worker, result writer and
 * completion publisher, one verticle each, talking over the event bus. The worker and the demo run this
 * same code; only the endpoints in the configuration differ.
 */
public final class ExplanationService {
  private static final Logger log = LoggerFactory.getLogger(ExplanationService.class);
  private static final long DRAIN_POLL_MS = 100;

  private final Vertx vertx;
  private final ServiceConfig config;
  private final ObjectStore store;
  private final ModelCache models;
  private final BatchProcessor processor;
  private final List<String> deployments = new ArrayList<>();
  private RequestConsumerVerticle consumer;
  private ExplainWorkerVerticle worker;
  private CompletionPublisherVerticle publisher;
  private ResultWriterVerticle writer;
  private String consumerId;
  private String workerId;
  private String writerId;
  private String publisherId;

  private ExplanationService(Vertx vertx, ServiceConfig config) {
    this.vertx = vertx;
    this.config = config;
    ModelStore modelStore = new ModelStore(config.models().store(), config.models().mirrors(), ModelCatalog.shipped());
    this.store = ObjectStore.create(config.s3());
    Path defaultModel;
    try {
      defaultModel = defaultModel(config.worker().model(), modelStore, store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    this.models = new ModelCache(config.worker().modelCacheSize());
    this.processor = new BatchProcessor(models, defaultModel, modelStore,
        new ImageLimits(config.worker().maxImageBytes(), config.worker().maxImagePixels()));
  }

  /**
   * The default model's folder, found once at startup so that a missing model is one clear error, not one per
   * request: a name in the model store, a folder, or an s3:// folder copied into the store's .s3 cache.
   */
  private static Path defaultModel(String reference, ModelStore modelStore, ObjectStore objects) {
    if (reference.regionMatches(true, 0, "s3://", 0, 5)) {
      S3Uri folder = S3Uri.parse(reference.endsWith("/") ? reference + "model.yaml" : reference + "/model.yaml");
      Path cache = modelStore.root().resolve(".s3").resolve(folder.bucket())
          .resolve(folder.key().substring(0, folder.key().length() - "/model.yaml".length()));
      return modelStore.resolve(S3ModelFolder.download(objects, reference, cache).toString());
    }
    return modelStore.resolve(reference);
  }

  /** Deploys the pipeline; the future completes once the model is warm and the consumer subscribed. */
  public static Future<ExplanationService> start(Vertx vertx, ServiceConfig config, ServiceEvents events) {
    ExplanationService service = new ExplanationService(vertx, config);
    Messages.registerCodecs(vertx.eventBus());
    var w = config.worker();
    service.publisher = new CompletionPublisherVerticle(config.kafka(), events);
    service.worker = new ExplainWorkerVerticle(service.processor, service.store, config.s3().retry(),
        w.maxImageBytes(), w.maxBatch(), w.maxWait(), events);
    service.consumer = new RequestConsumerVerticle(config.kafka(),
        new RequestParser(new RequestParser.Limits(w.maxImageBytes(), w.maxClassesPerRequest())), events);
    // Consumer last: nothing is read before every stage behind it runs.
    service.writer = new ResultWriterVerticle(service.store, config.s3().prefix(), config.s3().retry(), events);
    return service.deploy(service.publisher).onSuccess(id -> service.publisherId = id)
        .compose(v -> service.deploy(service.writer)).onSuccess(id -> service.writerId = id)
        .compose(v -> service.deploy(service.worker)).onSuccess(id -> service.workerId = id)
        .compose(v -> service.deploy(service.consumer)).onSuccess(id -> service.consumerId = id)
        .map(v -> {
          log.info("explanation service running: requests from {} at {}, results to s3://{}/{}",
              config.kafka().requestsTopic(), config.kafka().bootstrapServers(), config.s3().bucket(), config.s3().prefix());
          return service;
        })
        .recover(e -> service.stop(Duration.ZERO).transform(r -> Future.failedFuture(e)));
  }

  private Future<String> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).onSuccess(deployments::add);
  }

  public ModelCache models() {
    return models;
  }

  /**
   * Graceful stop: stop reading, drop what has not reached a device yet (never answered, so never
   * committed: another worker will take it), finish the running batches, store and publish their results,
   * commit, and close; all within {@code timeout}, after which whatever is still running is abandoned (and
   * redelivered, since it was not committed).
   */
  public Future<Void> stop(Duration timeout) {
    Promise<Void> drained = Promise.promise();
    if (consumer != null && deployments.size() == 4) {
      consumer.stopReading();
      worker.stopAccepting();
      long deadline = System.nanoTime() + timeout.toNanos();
      vertx.setPeriodic(DRAIN_POLL_MS, id -> {
        boolean idle = worker.busyDevices() == 0 && writer.pending() == 0 && publisher.unacknowledged() == 0;
        if (idle || System.nanoTime() > deadline) {
          vertx.cancelTimer(id);
          if (!idle) {
            log.warn("stopping after {}: unfinished requests will be redelivered", timeout);
          }
          drained.complete();
        }
      });
    } else {
      drained.complete();
    }
    return drained.future()
        .compose(v -> undeployAll())
        .onComplete(r -> {
          processor.close();
          models.close();
          store.close();
          log.info("explanation service stopped");
        });
  }

  /**
   * Undeploys the sources of answers first and the consumer last, so every answer published before the
   * stop reaches the consumer's final commit: nothing published stays uncommitted.
   */
  private Future<Void> undeployAll() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : List.of(workerId, writerId, publisherId, consumerId)) {
      if (id != null) {
        chain = chain.transform(r -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
      }
    }
    deployments.clear();
    return chain;
  }
}
