package dev.l2caf.web;

import dev.l2caf.pipeline.Stage;
import dev.l2caf.service.ServiceEvents;
import dev.l2caf.web.StatusSnapshot.BatchSizeBucket;
import dev.l2caf.web.StatusSnapshot.RecentError;
import dev.l2caf.web.StatusSnapshot.RecentResult;
import dev.l2caf.web.StatusSnapshot.StageTime;
import dev.l2caf.web.StatusSnapshot.Requests;
import dev.l2caf.web.StatusSnapshot.Throughput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The service's state for the status page, and its Micrometer meters. Thread-safe: the pipeline's
 * threads report events while the HTTP event loop takes snapshots.
 */
public final class StatusBoard implements ServiceEvents {
  /** How many recent results and errors the page shows. */
  public static final int RECENT_LIMIT = 20;

  /** Lower bounds of the batch-size buckets: 1, 2-3, 4-7, 8-15, 16-31, 32+. */
  private static final int[] BATCH_BUCKET_MINIMUMS = {1, 2, 4, 8, 16, 32};

  private static final String UNKNOWN_CODE = "unknown";

  /** "topic-2" before "topic-10": by topic, then by partition number. */
  private static final Comparator<String> PARTITION_ORDER =
      Comparator.comparing(StatusBoard::topicOf)
          .thenComparingLong(StatusBoard::partitionNumberOf)
          .thenComparing(Comparator.naturalOrder());

  private final InstantSource clock;
  private final Instant startedAt;
  private final MeterRegistry registry;

  private final Counter receivedCounter;
  private final Counter succeededCounter;
  private final Map<String, Counter> failedCounters = new ConcurrentHashMap<>();
  private final DistributionSummary batchSizeSummary;
  private final Timer batchComputeTimer;
  private final Timer requestTimer;
  private final Map<Stage, Timer> stageTimers = new EnumMap<>(Stage.class);

  // Read by gauges from the scraping thread, hence volatile rather than under the lock.
  private volatile int inFlight;
  private volatile boolean paused;
  private volatile boolean modelReady;
  private volatile boolean partitionsAssigned;
  private volatile Map<String, Long> lagByPartition = Map.of();

  private final Object lock = new Object();
  // Guarded by lock.
  private long received;
  private long succeeded;
  private long failed;
  private final long[] batchesByBucket = new long[BATCH_BUCKET_MINIMUMS.length];
  private final CompletionWindow completions = new CompletionWindow();
  private final Deque<RecentResult> recentResults = new ArrayDeque<>();
  private final Deque<RecentError> recentErrors = new ArrayDeque<>();
  private final Map<String, Gauge> lagGauges = new HashMap<>();

  public StatusBoard(MeterRegistry registry) {
    this(registry, InstantSource.system());
  }

  public StatusBoard(MeterRegistry registry, InstantSource clock) {
    this.registry = registry;
    this.clock = clock;
    this.startedAt = clock.instant();
    receivedCounter = Counter.builder("l2caf.requests.received")
        .description("Requests read from Kafka and accepted into the pipeline")
        .register(registry);
    succeededCounter = Counter.builder("l2caf.requests.succeeded")
        .description("Requests that ended with an acknowledged ok completion event")
        .register(registry);
    batchSizeSummary = DistributionSummary.builder("l2caf.batch.size")
        .description("Requests per engine batch")
        // Upper bounds of the page's buckets, so Prometheus and the page agree.
        .serviceLevelObjectives(1, 3, 7, 15, 31)
        .register(registry);
    batchComputeTimer = Timer.builder("l2caf.batch.compute")
        .description("Engine time per batch")
        .register(registry);
    requestTimer = Timer.builder("l2caf.request.duration")
        .description("Total time of a request that ended ok, from receipt to completion")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry);
    for (Stage stage : Stage.values()) {
      stageTimers.put(stage, Timer.builder("l2caf.stage.duration")
          .description("Time of one stage of the service path, per request (engine stages: its share of the batch; "
              + "rendering: per class)")
          .tag("stage", stage.label())
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(30))
          .register(registry));
    }
    Gauge.builder("l2caf.requests.inflight", this, board -> board.inFlight)
        .description("Requests read but not yet committed")
        .strongReference(true)
        .register(registry);
    Gauge.builder("l2caf.consumer.paused", this, board -> board.paused ? 1 : 0)
        .description("1 while the Kafka consumer is paused for back-pressure")
        .strongReference(true)
        .register(registry);
    Gauge.builder("l2caf.model.ready", this, board -> board.modelReady ? 1 : 0)
        .description("1 once the model is loaded and warm")
        .strongReference(true)
        .register(registry);
    Gauge.builder("l2caf.partitions.assigned", this, board -> board.partitionsAssigned ? 1 : 0)
        .description("1 while the consumer has partitions assigned")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void requestReceived(String id) {
    receivedCounter.increment();
    synchronized (lock) {
      received++;
    }
  }

  @Override
  public void batchProcessed(int size, double computeMs) {
    if (size < 1) {
      return;
    }
    batchSizeSummary.record(size);
    recordMillis(batchComputeTimer, computeMs);
    synchronized (lock) {
      batchesByBucket[bucketOf(size)]++;
    }
  }

  @Override
  public void requestSucceeded(ResultSummary result) {
    if (result == null) {
      return;
    }
    succeededCounter.increment();
    recordMillis(requestTimer, result.totalMs());
    Instant now = clock.instant();
    String thumbnail = result.overlayThumbnail() == null
        ? null
        : Base64.getEncoder().encodeToString(result.overlayThumbnail());
    RecentResult recent = new RecentResult(result.id(), result.model(), result.classes(),
        result.totalMs(), result.overlayUri(), thumbnail, now);
    synchronized (lock) {
      succeeded++;
      completions.record(now);
      addBounded(recentResults, recent);
    }
  }

  @Override
  public void requestFailed(String id, String code, String message) {
    String knownCode = code == null || code.isBlank() ? UNKNOWN_CODE : code;
    failedCounters.computeIfAbsent(knownCode, tag -> Counter.builder("l2caf.requests.failed")
            .description("Requests that ended with an error completion event or in the DLQ")
            .tag("code", tag)
            .register(registry))
        .increment();
    Instant now = clock.instant();
    synchronized (lock) {
      failed++;
      completions.record(now);
      addBounded(recentErrors, new RecentError(id, knownCode, message, now));
    }
  }

  @Override
  public void stageTimed(Stage stage, long nanos) {
    if (stage != null && nanos >= 0) {
      stageTimers.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Where the time went since start, in {@link Stage} order; stages that never ran are left out. */
  public List<StageTime> stageTimes() {
    List<StageTime> times = new ArrayList<>();
    stageTimers.forEach((stage, timer) -> {
      long count = timer.count();
      if (count > 0) {
        times.add(new StageTime(stage.label(), count, timer.mean(TimeUnit.MILLISECONDS),
            timer.totalTime(TimeUnit.MILLISECONDS)));
      }
    });
    return times;
  }

  @Override
  public void inFlight(int count, boolean paused) {
    this.inFlight = count;
    this.paused = paused;
  }

  @Override
  public void consumerLag(Map<String, Long> lag) {
    Map<String, Long> sorted = new TreeMap<>(PARTITION_ORDER);
    if (lag != null) {
      lag.forEach((partition, behind) -> {
        if (partition != null && behind != null) {
          sorted.put(partition, behind);
        }
      });
    }
    synchronized (lock) {
      lagByPartition = sorted;
      // One gauge per assigned partition; revoked partitions' gauges go, so no stale series stay.
      lagGauges.entrySet().removeIf(entry -> {
        boolean revoked = !sorted.containsKey(entry.getKey());
        if (revoked) {
          registry.remove(entry.getValue());
        }
        return revoked;
      });
      for (String partition : sorted.keySet()) {
        lagGauges.computeIfAbsent(partition, key ->
            Gauge.builder("l2caf.consumer.lag", this, board -> board.lagOf(key))
                .description("Records behind the log end, per partition")
                .tag("partition", key)
                .strongReference(true)
                .register(registry));
      }
    }
  }

  @Override
  public void modelReady(boolean ready) {
    this.modelReady = ready;
  }

  @Override
  public void partitionsAssigned(boolean assigned) {
    this.partitionsAssigned = assigned;
  }

  /** Whether the service can serve: its model is ready and it has partitions to read. */
  public boolean ready() {
    return modelReady && partitionsAssigned;
  }

  public StatusSnapshot snapshot() {
    Instant now = clock.instant();
    synchronized (lock) {
      List<BatchSizeBucket> buckets = new ArrayList<>(BATCH_BUCKET_MINIMUMS.length);
      for (int i = 0; i < BATCH_BUCKET_MINIMUMS.length; i++) {
        int min = BATCH_BUCKET_MINIMUMS[i];
        boolean open = i == BATCH_BUCKET_MINIMUMS.length - 1;
        Integer max = open ? null : BATCH_BUCKET_MINIMUMS[i + 1] - 1;
        String label = open ? min + "+" : min == max ? String.valueOf(min) : min + "-" + max;
        buckets.add(new BatchSizeBucket(label, min, max, batchesByBucket[i]));
      }
      boolean modelReadyNow = modelReady;
      boolean assignedNow = partitionsAssigned;
      return new StatusSnapshot(startedAt, now, Duration.between(startedAt, now).toSeconds(),
          new Requests(received, succeeded, failed),
          Throughput.of(completions.countWithin(now, 60), completions.countWithin(now, 300)),
          buckets, inFlight, paused, lagByPartition, modelReadyNow, assignedNow,
          modelReadyNow && assignedNow, List.copyOf(recentResults), List.copyOf(recentErrors), stageTimes(), null);
    }
  }

  private double lagOf(String partition) {
    Long behind = lagByPartition.get(partition);
    return behind == null ? Double.NaN : behind;
  }

  static int bucketOf(int batchSize) {
    int log2 = 31 - Integer.numberOfLeadingZeros(batchSize);
    return Math.min(log2, BATCH_BUCKET_MINIMUMS.length - 1);
  }

  private static void recordMillis(Timer timer, double millis) {
    if (Double.isFinite(millis) && millis >= 0) {
      timer.record(Duration.ofNanos(Math.round(millis * 1_000_000)));
    }
  }

  /** Adds newest first, dropping the oldest past {@link #RECENT_LIMIT}. */
  private static <T> void addBounded(Deque<T> recent, T item) {
    recent.addFirst(item);
    while (recent.size() > RECENT_LIMIT) {
      recent.removeLast();
    }
  }

  private static String topicOf(String key) {
    return partitionNumberOf(key) < 0 ? key : key.substring(0, key.lastIndexOf('-'));
  }

  /** The number after the last dash, or -1 when the key does not end in one. */
  private static long partitionNumberOf(String key) {
    int dash = key.lastIndexOf('-');
    String digits = key.substring(dash + 1);
    boolean numbered = dash >= 0 && !digits.isEmpty() && digits.length() <= 9
        && digits.chars().allMatch(c -> c >= '0' && c <= '9');
    return numbered ? Long.parseLong(digits) : -1;
  }
}
