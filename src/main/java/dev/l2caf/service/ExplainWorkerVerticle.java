package dev.l2caf.service;

import dev.l2caf.model.Devices;
import dev.l2caf.pipeline.BatchKey;
import dev.l2caf.pipeline.BatchProcessor;
import dev.l2caf.pipeline.ErrorCode;
import dev.l2caf.pipeline.ErrorCodes;
import dev.l2caf.pipeline.ImageSource;
import dev.l2caf.pipeline.Job;
import dev.l2caf.pipeline.Outcome;
import dev.l2caf.pipeline.RequestError;
import dev.l2caf.pipeline.Stage;
import dev.l2caf.config.S3Settings;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.ObjectStoreException;
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
 * device (each GPU, or the CPU), off the event loop. A batch closes when it is full ({@code maxBatch}) or
 * its first job waited {@code maxWait}; while every device is busy, open batches keep filling.
 */
final class ExplainWorkerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ExplainWorkerVerticle.class);

  private final BatchProcessor processor;
  private final ObjectStore store;
  private final S3Settings.Retry retry;
  private final long maxImageBytes;
  private final int maxBatch;
  private final Duration maxWait;
  private final ServiceEvents events;
  private final Map<BatchKey, OpenBatch> open = new LinkedHashMap<>();
  private final Queue<Batch> closed = new ArrayDeque<>();
  private final List<DeviceThread> devices = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger busyDevices = new java.util.concurrent.atomic.AtomicInteger();
  private int fetching;
  private boolean stopping;

  /** One device and the thread that feeds it; {@code placement} null means TensorFlow's default. */
  private static final class DeviceThread {
    final String placement;
    final ExecutorService thread;
    boolean busy;

    DeviceThread(String placement, int index) {
      this.placement = placement;
      this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "l2caf-device-" + index));
    }

    String name() {
      return placement == null ? "default device" : placement;
    }
  }

  private record Batch(BatchKey key, List<Job> jobs) {}

  /** A batch still filling, and the timer that closes it after maxWait. */
  private record OpenBatch(List<Job> jobs, long timer) {}

  ExplainWorkerVerticle(BatchProcessor processor, ObjectStore store, S3Settings.Retry retry, long maxImageBytes,
      int maxBatch, Duration maxWait, ServiceEvents events) {
    this.processor = processor;
    this.retry = retry;
    this.store = store;
    this.maxImageBytes = maxImageBytes;
    this.maxBatch = maxBatch;
    this.maxWait = maxWait;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    List<String> gpus = Devices.gpus();
    List<String> placements = gpus.isEmpty() ? java.util.Collections.singletonList(null) : gpus;
    for (int i = 0; i < placements.size(); i++) {
      devices.add(new DeviceThread(placements.get(i), i));
    }
    log.info("explaining on {} device thread(s): {}", devices.size(), devices.stream().map(DeviceThread::name).toList());
    vertx.eventBus().<Job>localConsumer(Messages.JOBS, m -> onJob(m.body()));
    List<Future<Void>> warm = new ArrayList<>();
    for (DeviceThread device : devices) {
      Promise<Void> ready = Promise.promise();
      device.thread.execute(() -> {
        try {
          processor.warmUp(device.placement);
          ready.complete();
        } catch (RuntimeException e) {
          log.error("the default model cannot be loaded on {}", device.name(), e);
          ready.fail(e);
        }
      });
      warm.add(ready.future());
    }
    return Future.all(warm).onSuccess(v -> events.modelReady(true));
  }

  private void onJob(Job job) {
    if (stopping) {
      return; // not answered, so not committed: the next worker gets it
    }
    if (job.request().image() instanceof ImageSource.Stored stored) {
      fetch(job, stored, 0);
    } else {
      ImageSource.Inline inline = (ImageSource.Inline) job.request().image();
      enqueue(new Job(job.request(), job.ref(), inline.bytes(), job.receivedNanos(), job.attempt()));
    }
  }

  /** Reads a stored image; while the store is unavailable, tries again with capped backoff. */
  private void fetch(Job job, ImageSource.Stored stored, int round) {
    fetching++;
    long start = System.nanoTime();
    store.get(stored.uri()).whenComplete((bytes, failure) -> context.runOnContext(v -> {
      fetching--;
      events.stageTimed(Stage.FETCH, System.nanoTime() - start);
      if (failure == null && bytes.length > maxImageBytes) {
        fail(job, new RequestError(ErrorCode.IMAGE_TOO_LARGE,
            stored.uri() + " is " + bytes.length + " bytes, over the limit of " + maxImageBytes));
      } else if (failure == null) {
        enqueue(new Job(job.request(), job.ref(), bytes, job.receivedNanos(), job.attempt()));
      } else if (ObjectStoreException.isUnavailable(failure)) {
        long delay = retry.delayMillis(round);
        log.warn("storage unavailable reading {} for {} (retry {} in {} ms)", stored.uri(), job.request().id(),
            round + 1, delay);
        fetching++; // still this job's fetch while it waits
        vertx.setTimer(delay, t -> {
          fetching--;
          fetch(job, stored, round + 1);
        });
      } else {
        fail(job, ErrorCodes.of(failure));
      }
    }));
  }

  private void fail(Job job, RequestError error) {
    vertx.eventBus().send(Messages.OUTCOMES, new Outcome.Failed(job, error));
  }

  private void enqueue(Job job) {
    if (stopping) {
      return;
    }
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

  /** Starts batches on free devices: closed ones first, else the fullest open one. */
  private void runNext() {
    if (stopping) {
      return;
    }
    for (DeviceThread device : devices) {
      if (device.busy) {
        continue;
      }
      Batch batch = nextBatch();
      if (batch == null) {
        return;
      }
      run(device, batch);
    }
  }

  private Batch nextBatch() {
    Batch batch = closed.poll();
    if (batch == null && !open.isEmpty()) {
      BatchKey fullest = open.entrySet().stream()
          .max(Comparator.comparingInt((Map.Entry<BatchKey, OpenBatch> e) -> e.getValue().jobs().size()))
          .orElseThrow().getKey();
      batch = new Batch(fullest, take(fullest));
    }
    return batch;
  }

  private void run(DeviceThread device, Batch batch) {
    device.busy = true;
    busyDevices.incrementAndGet();
    device.thread.execute(() -> {
      long start = System.nanoTime();
      List<Outcome> outcomes;
      try {
        outcomes = processor.process(batch.key(), batch.jobs(), device.placement, events::stageTimed);
      } catch (RuntimeException e) {
        log.error("batch failed on {}", device.name(), e);
        RequestError error = ErrorCodes.of(e);
        outcomes = batch.jobs().stream().<Outcome>map(j -> new Outcome.Failed(j, error)).toList();
      }
      double ms = (System.nanoTime() - start) / 1e6;
      log.debug("batch of {} on {} in {} ms", batch.jobs().size(), device.name(), Math.round(ms));
      List<Outcome> done = outcomes;
      context.runOnContext(v -> {
        device.busy = false;
        busyDevices.decrementAndGet();
        events.batchProcessed(batch.jobs().size(), ms);
        done.forEach(o -> vertx.eventBus().send(Messages.OUTCOMES, o));
        runNext();
      });
    });
  }

  /**
   * For a graceful stop: drops the jobs not yet on a device (unanswered, so never committed: another
   * worker gets them) and lets the running batches finish.
   */
  void stopAccepting() {
    context.runOnContext(v -> {
      stopping = true;
      open.keySet().stream().toList().forEach(this::take);
      closed.clear();
    });
  }

  /** Devices running a batch now. */
  int busyDevices() {
    return busyDevices.get();
  }

  @Override
  public Future<?> stop() {
    devices.forEach(d -> d.thread.shutdown());
    // The engine must not be closed under a running batch.
    return vertx.executeBlocking(() -> {
      for (DeviceThread d : devices) {
        d.thread.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
      }
      return null;
    });
  }
}
