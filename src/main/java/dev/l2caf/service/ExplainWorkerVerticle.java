package dev.l2caf.service;

import dev.l2caf.pipeline.BatchKey;
import dev.l2caf.pipeline.BatchProcessor;
import dev.l2caf.pipeline.ErrorCode;
import dev.l2caf.pipeline.ErrorCodes;
import dev.l2caf.pipeline.ImageSource;
import dev.l2caf.pipeline.Job;
import dev.l2caf.pipeline.Outcome;
import dev.l2caf.pipeline.RequestError;
import dev.l2caf.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches jobs that share a model and plan, and runs them through the engine on one dedicated thread per
 * device, off the event loop. A batch closes when it is full ({@code maxBatch}) or its first job waited
 * {@code maxWait}; while the device is busy, open batches keep filling.
 */
final class ExplainWorkerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ExplainWorkerVerticle.class);

  private final BatchProcessor processor;
  private final ObjectStore store;
  private final long maxImageBytes;
  private final int maxBatch;
  private final Duration maxWait;
  private final ServiceEvents events;
  private final Map<BatchKey, OpenBatch> open = new LinkedHashMap<>();
  private final Queue<Batch> closed = new ArrayDeque<>();
  private ExecutorService device;
  private boolean busy;
  private int fetching;

  private record Batch(BatchKey key, List<Job> jobs) {}

  /** A batch still filling, and the timer that closes it after maxWait. */
  private record OpenBatch(List<Job> jobs, long timer) {}

  ExplainWorkerVerticle(BatchProcessor processor, ObjectStore store, long maxImageBytes, int maxBatch, Duration maxWait,
      ServiceEvents events) {
    this.processor = processor;
    this.store = store;
    this.maxImageBytes = maxImageBytes;
    this.maxBatch = maxBatch;
    this.maxWait = maxWait;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    device = Executors.newSingleThreadExecutor(r -> new Thread(r, "l2caf-device-0"));
    vertx.eventBus().<Job>localConsumer(Messages.JOBS, m -> onJob(m.body()));
    Promise<Void> warm = Promise.promise();
    device.execute(() -> {
      try {
        processor.warmUp();
        events.modelReady(true);
        warm.complete();
      } catch (RuntimeException e) {
        log.error("the default model cannot be loaded", e);
        warm.fail(e);
      }
    });
    return warm.future();
  }

  private void onJob(Job job) {
    if (job.request().image() instanceof ImageSource.Stored stored) {
      fetching++;
      store.get(stored.uri()).whenComplete((bytes, failure) -> context.runOnContext(v -> {
        fetching--;
        if (failure != null) {
          fail(job, ErrorCodes.of(failure));
        } else if (bytes.length > maxImageBytes) {
          fail(job, new RequestError(ErrorCode.IMAGE_TOO_LARGE,
              stored.uri() + " is " + bytes.length + " bytes, over the limit of " + maxImageBytes));
        } else {
          enqueue(new Job(job.request(), job.ref(), bytes, job.receivedNanos(), job.attempt()));
        }
      }));
    } else {
      ImageSource.Inline inline = (ImageSource.Inline) job.request().image();
      enqueue(new Job(job.request(), job.ref(), inline.bytes(), job.receivedNanos(), job.attempt()));
    }
  }

  private void fail(Job job, RequestError error) {
    vertx.eventBus().send(Messages.OUTCOMES, new Outcome.Failed(job, error));
  }

  private void enqueue(Job job) {
    BatchKey key = BatchKey.of(job.request());
    OpenBatch batch = open.computeIfAbsent(key,
        k -> new OpenBatch(new ArrayList<>(), vertx.setTimer(Math.max(1, maxWait.toMillis()), t -> close(k))));
    batch.jobs().add(job);
    if (batch.jobs().size() >= maxBatch) {
      close(key);
    }
  }

  private void close(BatchKey key) {
    List<Job> jobs = take(key);
    if (jobs != null) {
      closed.add(new Batch(key, jobs));
      runNext();
    }
  }

  /** Removes an open batch and cancels its timer. */
  private List<Job> take(BatchKey key) {
    OpenBatch batch = open.remove(key);
    if (batch == null) {
      return null;
    }
    vertx.cancelTimer(batch.timer());
    return batch.jobs();
  }

  /** Starts the next batch when the device is free: a closed one, else the fullest open one. */
  private void runNext() {
    if (busy) {
      return;
    }
    Batch batch = closed.poll();
    if (batch == null && !open.isEmpty()) {
      BatchKey fullest = open.entrySet().stream()
          .max(Comparator.comparingInt((Map.Entry<BatchKey, OpenBatch> e) -> e.getValue().jobs().size()))
          .orElseThrow().getKey();
      batch = new Batch(fullest, take(fullest));
    }
    if (batch == null) {
      return;
    }
    busy = true;
    Batch running = batch;
    device.execute(() -> {
      long start = System.nanoTime();
      List<Outcome> outcomes;
      try {
        outcomes = processor.process(running.key(), running.jobs());
      } catch (RuntimeException e) {
        log.error("batch failed", e);
        RequestError error = ErrorCodes.of(e);
        outcomes = running.jobs().stream().<Outcome>map(j -> new Outcome.Failed(j, error)).toList();
      }
      double ms = (System.nanoTime() - start) / 1e6;
      List<Outcome> done = outcomes;
      context.runOnContext(v -> {
        busy = false;
        events.batchProcessed(running.jobs().size(), ms);
        done.forEach(o -> vertx.eventBus().send(Messages.OUTCOMES, o));
        runNext();
      });
    });
  }

  /** Jobs accepted but not yet handed to the writer. */
  int pending() {
    return fetching + open.values().stream().mapToInt(b -> b.jobs().size()).sum()
        + closed.stream().mapToInt(b -> b.jobs().size()).sum() + (busy ? 1 : 0);
  }

  @Override
  public Future<?> stop() {
    device.shutdown();
    // The engine must not be closed under a running batch.
    return vertx.executeBlocking(() -> device.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES));
  }
}
