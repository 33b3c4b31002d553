package dev.l2caf.cli;

import dev.l2caf.config.ModelStoreSettings;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.service.ServiceRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code l2caf worker}: the production entry point. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Consumes explanation requests from Kafka, explains them in batches, writes heatmaps to S3-compatible storage",
      "and publishes one completion event per request; serves the status page. Stops gracefully on SIGTERM.",
      "Configuration: config/application.yaml (every key documented there), each key overridable by an",
      "environment variable (kafka.bootstrap-servers -> L2CAF_KAFKA_BOOTSTRAP_SERVERS); S3 credentials from",
      "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."},
    footer = {"", "Examples:",
        "  worker",
        "  L2CAF_KAFKA_BOOTSTRAP_SERVERS=kafka:9092 L2CAF_S3_ENDPOINT=http://minio:9000 worker",
        "  worker --config /etc/l2caf/application.yaml"})
final class WorkerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: config/application.yaml if present).")
  Path config;

  @Option(names = "--models", paramLabel = "DIR", description = "Model store folder (default: $L2CAF_MODELS, else the"
      + " 'models' key of the configuration, else " + ModelStoreSettings.DEFAULT_STORE + ").")
  Path models;

  @Override
  public Integer call() throws Exception {
    ServiceConfig settings = models == null ? load(config) : load(config).withModelStore(models);
    ServiceRunner runner = ServiceRunner.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping: finishing in-flight requests (at most {} s)", settings.worker().shutdownTimeout().toSeconds());
      try {
        runner.close();
      } catch (Exception e) {
        log.warn("unclean stop: {}", e.toString());
      } finally {
        stopped.countDown();
      }
    }, "l2caf-shutdown"));
    stopped.await();
    return 0;
  }

  static ServiceConfig load(Path file) {
    Path path = file != null ? file : ServiceConfig.DEFAULT_FILE;
    if (file == null && !Files.exists(path)) {
      return ServiceConfig.fromEnvironment(System.getenv());
    }
    return ServiceConfig.load(path, System.getenv());
  }
}
