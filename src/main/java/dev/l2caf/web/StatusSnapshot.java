package dev.l2caf.web;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the service is doing at one instant, for the status page and {@code /api/status}. Every part
 * is immutable; lists run newest first, partitions in topic and partition order.
 *
 * @param stages where the time went since start, per stage of the service path that ran at least once
 * @param modelCache the model cache, or null when the page has none to show
 */
public record StatusSnapshot(
    Instant startedAt,
    Instant takenAt,
    long uptimeSeconds,
    Requests requests,
    Throughput throughput,
    List<BatchSizeBucket> batchSizes,
    int inFlight,
    boolean paused,
    Map<String, Long> lagByPartition,
    boolean modelReady,
    boolean partitionsAssigned,
    boolean ready,
    List<RecentResult> recentResults,
    List<RecentError> recentErrors,
    List<StageTime> stages,
    ModelCacheSummary modelCache) {

  public StatusSnapshot {
    batchSizes = List.copyOf(batchSizes);
    lagByPartition = Collections.unmodifiableMap(new LinkedHashMap<>(lagByPartition));
    recentResults = List.copyOf(recentResults);
    recentErrors = List.copyOf(recentErrors);
    stages = List.copyOf(stages);
  }

  /** This snapshot with the model cache's figures added. */
  public StatusSnapshot withModelCache(ModelCacheSummary cache) {
    return new StatusSnapshot(startedAt, takenAt, uptimeSeconds, requests, throughput, batchSizes,
        inFlight, paused, lagByPartition, modelReady, partitionsAssigned, ready, recentResults,
        recentErrors, stages, cache);
  }

  /** Requests since start: accepted from Kafka, and ended ok or with an error. */
  public record Requests(long received, long succeeded, long failed) {}

  /** Requests ended (ok or failed) within the last 1 and 5 minutes, and the rates they give. */
  public record Throughput(long lastMinute, long lastFiveMinutes, double perSecondLastMinute,
      double perSecondLastFiveMinutes) {
    static Throughput of(long lastMinute, long lastFiveMinutes) {
      return new Throughput(lastMinute, lastFiveMinutes, lastMinute / 60.0, lastFiveMinutes / 300.0);
    }
  }

  /** How many batches had a size in {@code [min, max]}; {@code max} is null for the open bucket. */
  public record BatchSizeBucket(String label, int min, Integer max, long batches) {}

  /**
   * A request that ended ok.
   *
   * @param overlayUri the s3:// URI of its first overlay, or null
   * @param overlayThumbnail a small PNG of that overlay, base64-encoded, or null
   */
  public record RecentResult(String id, String model, List<String> classes, double totalMs,
      String overlayUri, String overlayThumbnail, Instant finishedAt) {
    public RecentResult {
      classes = classes == null ? List.of() : classes.stream().map(String::valueOf).toList();
    }
  }

  /** A request that ended with an error; {@code id} is null for a record sent to the DLQ. */
  public record RecentError(String id, String code, String message, Instant time) {}

  /**
   * One stage of the service path since start: how often it ran, its mean and its total time.
   *
   * @param stage the stage's label ({@code decode}, {@code overlay_png}, {@code s3_put}, ...)
   */
  public record StageTime(String stage, long count, double meanMs, double totalMs) {}

  /** The model cache: loaded models and how often a lease found its model already loaded. */
  public record ModelCacheSummary(long entries, long hits, long misses, double hitRatio) {}
}
