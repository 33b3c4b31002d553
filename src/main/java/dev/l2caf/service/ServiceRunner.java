package dev.l2caf.service;

import dev.l2caf.config.ServiceConfig;
import dev.l2caf.web.StatusBoard;
import dev.l2caf.web.StatusVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running worker process: a Vert.x instance whose metrics (and the JVM's) go to a Prometheus registry,
 * the explanation pipeline, and the status page. Shared by the {@code worker} and {@code demo} commands.
 */
public final class ServiceRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

  private final Vertx vertx;
  private final ServiceConfig config;
  private final ExplanationService service;
  private final StatusVerticle status;
  private final StatusBoard board;

  private ServiceRunner(Vertx vertx, ServiceConfig config, ExplanationService service, StatusVerticle status,
      StatusBoard board) {
    this.vertx = vertx;
    this.config = config;
    this.service = service;
    this.status = status;
    this.board = board;
  }

  /** Starts everything and waits until the model is warm and the status page listens. */
  public static ServiceRunner start(ServiceConfig config) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    StatusBoard board = new StatusBoard(registry);
    try {
      ExplanationService service = await(ExplanationService.start(vertx, config, board));
      StatusVerticle status = new StatusVerticle(config.http(), board, registry, service.models());
      await(vertx.deployVerticle(status));
      log.info("status page at http://{}:{}/", config.http().host(), status.actualPort());
      return new ServiceRunner(vertx, config, service, status, board);
    } catch (Exception e) {
      await(vertx.close());
      throw e;
    }
  }

  public String statusUrl() {
    return "http://" + config.http().host() + ":" + status.actualPort() + "/";
  }

  public StatusBoard board() {
    return board;
  }

  /** Graceful: stop consuming, finish and publish in-flight work (up to the configured bound), then stop. */
  @Override
  public void close() throws Exception {
    long start = System.nanoTime();
    await(service.stop(config.worker().shutdownTimeout()));
    await(vertx.close());
    log.info("stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
