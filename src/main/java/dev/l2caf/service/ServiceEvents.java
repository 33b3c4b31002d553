package dev.l2caf.service;

import dev.l2caf.pipeline.Stage;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline tells the outside about its work: the status page and the metrics listen. Every
 * method is cheap and thread-safe; implementations never throw.
 */
public interface ServiceEvents {
  /** A request was read from Kafka and accepted into the pipeline. */
  void requestReceived(String id);

  /** A batch of {@code size} requests went through the engine. */
  void batchProcessed(int size, double computeMs);

  /** A request ended with an ok completion event that Kafka acknowledged. */
  void requestSucceeded(ResultSummary result);

  /** A request ended with an error completion event (or the DLQ when {@code id} is null). */
  void requestFailed(String id, String code, String message);

  /** The number of requests read but not yet committed, and whether the consumer is paused. */
  void inFlight(int count, boolean paused);

  /** Consumer lag per partition ("topic-partition" to records behind the log end). */
  void consumerLag(Map<String, Long> lagByPartition);

  /** The worker can serve: its model is loaded and warm. */
  void modelReady(boolean ready);

  /** The consumer has partitions assigned. */
  void partitionsAssigned(boolean assigned);

  /** One request's (or class's) time in one stage of the service path; see {@link Stage}. */
  default void stageTimed(Stage stage, long nanos) {}

  /**
   * The summary of a finished request for the status page.
   *
   * @param overlayUri an s3:// URI of the first explanation's overlay, or null
   * @param overlayThumbnail a small PNG of it for the page, or null
   */
  record ResultSummary(
      String id, String model, List<String> classes, double totalMs, String overlayUri, byte[] overlayThumbnail) {}
}
