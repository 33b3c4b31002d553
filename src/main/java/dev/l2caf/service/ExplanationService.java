package dev.l2caf.service;

import dev.l2caf.config.ServiceConfig;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.model.ModelCache;
import dev.l2caf.pipeline.BatchProcessor;
import dev.l2caf.pipeline.RequestParser;
import dev.l2caf.store.ObjectStore;
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

  private ExplanationService(Vertx vertx, ServiceConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.store = ObjectStore.create(config.s3());
    this.models = new ModelCache(config.worker().modelCacheSize());
    this.processor = new BatchProcessor(models, config.worker().model(),
        new ImageLimits(config.worker().maxImageBytes(), config.worker().maxImagePixels()));
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
    return service.deploy(service.publisher)
        .compose(v -> service.deploy(new ResultWriterVerticle(service.store, config.s3().prefix(), config.s3().retry())))
        .compose(v -> service.deploy(service.worker))
        .compose(v -> service.deploy(service.consumer))
        .map(v -> {
          log.info("explanation service running: requests from {} at {}, results to s3://{}/{}",
              config.kafka().requestsTopic(), config.kafka().bootstrapServers(), config.s3().bucket(), config.s3().prefix());
          return service;
        })
        .recover(e -> service.stop(Duration.ZERO).transform(r -> Future.failedFuture(e)));
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).onSuccess(deployments::add).mapEmpty();
  }

  public ModelCache models() {
    return models;
  }

  /**
   * Graceful stop: stop reading, let in-flight requests finish and be published and committed (up to
   * {@code timeout}), then undeploy and close.
   */
  public Future<Void> stop(Duration timeout) {
    Promise<Void> drained = Promise.promise();
    if (consumer != null && deployments.size() == 4) {
      consumer.stopReading();
      long deadline = System.nanoTime() + timeout.toNanos();
      vertx.setPeriodic(DRAIN_POLL_MS, id -> {
        boolean idle = consumer.inFlight() == 0 && worker.pending() == 0 && publisher.unacknowledged() == 0;
        if (idle || System.nanoTime() > deadline) {
          vertx.cancelTimer(id);
          if (!idle) {
            log.warn("stopping with {} requests in flight: they will be redelivered", consumer.inFlight());
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

  private Future<Void> undeployAll() {
    Future<Void> chain = Future.succeededFuture();
    // Reverse order: the consumer commits last offsets before the publisher closes.
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.transform(r -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    deployments.clear();
    return chain;
  }
}
