package dev.l2caf.service;

import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.pipeline.Completion;
import dev.l2caf.pipeline.CompletionJson;
import dev.l2caf.pipeline.ErrorCodes;
import dev.l2caf.pipeline.Job;
import dev.l2caf.pipeline.Outcome;
import dev.l2caf.pipeline.OutputKind;
import dev.l2caf.pipeline.RequestError;
import dev.l2caf.pipeline.ResultFiles;
import dev.l2caf.pipeline.Stage;
import dev.l2caf.pipeline.StageClock;
import dev.l2caf.store.ObjectKeys;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.ObjectStoreException;
import dev.l2caf.config.S3Settings;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Stores each outcome's files under {@code <prefix>/<model>/<id>/<class>/} (the same keys every time,
 * so processing a request twice is idempotent) and turns the outcome into its completion event. A request
 * is reported ok only once every file is stored.
 */
final class ResultWriterVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ResultWriterVerticle.class);

  private final ObjectStore store;
  private final String prefix;
  private final S3Settings.Retry retry;
  private final StageClock clock;
  private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
  private WorkerExecutor rendering;

  ResultWriterVerticle(ObjectStore store, String prefix, S3Settings.Retry retry, ServiceEvents events) {
    this.store = store;
    this.prefix = prefix;
    this.retry = retry;
    this.clock = events::stageTimed;
  }

  @Override
  public Future<?> start() {
    // Rendering is CPU work: one thread per core, so it never queues behind (or starves) blocking I/O.
    rendering = vertx.createSharedWorkerExecutor("l2caf-render", Runtime.getRuntime().availableProcessors());
    vertx.eventBus().<Outcome>localConsumer(Messages.OUTCOMES, m -> onOutcome(m.body()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return rendering.close();
  }

  /** Outcomes received and not yet answered (rendering, storing, or waiting for the store to come back). */
  int pending() {
    return pending.get();
  }

  private void onOutcome(Outcome outcome) {
    pending.incrementAndGet();
    if (outcome instanceof Outcome.Failed f) {
      answer(f.job(), error(f.job(), f.error()), null, null);
    } else {
      Outcome.Explained e = (Outcome.Explained) outcome;
      // Never on the event loop or the engine's thread.
      rendering.executeBlocking(() -> ResultFiles.render(e, clock), false)
          .onSuccess(rendered -> store(e, rendered, 0))
          .onFailure(failure -> answer(e.job(), error(e.job(), ErrorCodes.of(failure)), null, null));
    }
  }

  /**
   * Writes every file, then completion.json, then answers ok. While the store is unavailable the whole
   * write is retried with capped exponential backoff, for as long as the worker runs: the request is
   * answered (and its offset committed) only once it is stored; a worker stopped meanwhile leaves it to be
   * redelivered.
   */
  private void store(Outcome.Explained e, Outcome.Rendered rendered, int round) {
    Job job = e.job();
    long start = System.nanoTime();
    String model = e.result().model();
    List<CompletableFuture<Void>> puts = new ArrayList<>();
    List<Completion.Explained> explained = new ArrayList<>();
    for (Outcome.RenderedClass files : rendered.classes()) {
      Map<OutputKind, String> uris = new EnumMap<>(OutputKind.class);
      files.files().forEach((kind, bytes) -> {
        String key = ObjectKeys.forResult(prefix, model, job.request().id(), files.folder(), kind.fileName());
        puts.add(store.put(key, bytes, kind.contentType()));
        uris.put(kind, "s3://" + store.bucket() + "/" + key);
      });
      ClassExplanation x = files.explanation();
      explained.add(new Completion.Explained(x.classId(), x.label(), x.solver().label(),
          x.objective() == null ? null : x.objective().label(), x.heat() == null ? null : x.heat().label(),
          x.iterations(), x.loss(), x.box(), x.grid(), uris));
    }
    Completion[] done = new Completion[1];
    CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0]))
        .thenCompose(ok -> {
          done[0] = completion(e, explained, (System.nanoTime() - start) / 1_000_000);
          byte[] json = clock.time(Stage.COMPLETION_JSON, () -> CompletionJson.toBytes(done[0]));
          // Stored last: its presence tells a resumed backfill that every file of this request is there.
          return store.put(ObjectKeys.forCompletion(prefix, model, job.request().id()), json, "application/json");
        })
        .whenComplete((ok, failure) -> context.runOnContext(v -> {
          if (failure == null) {
            clock.since(Stage.S3_PUT, start);
            answer(job, done[0], rendered.thumbnail(), explained.isEmpty() ? null : overlayUri(explained.get(0)));
          } else if (ObjectStoreException.isUnavailable(failure)) {
            long delay = retry.delayMillis(round);
            log.warn("storage unavailable for {} (retry {} in {} ms): {}", job.request().id(), round + 1, delay,
                rootMessage(failure));
            vertx.setTimer(delay, t -> store(e, rendered, round + 1));
          } else {
            answer(job, error(job, ErrorCodes.of(failure)), null, null);
          }
        }));
  }

  /** The first explanation's overlay, PNG or JPEG, for the status page; null when none was asked for. */
  private static String overlayUri(Completion.Explained explained) {
    return explained.files().entrySet().stream().filter(f -> f.getKey().overlay()).map(Map.Entry::getValue)
        .findFirst().orElse(null);
  }

  private Completion completion(Outcome.Explained e, List<Completion.Explained> explained, long storeMs) {
    Job job = e.job();
    ImageExplanation r = e.result();
    long totalMs = (System.nanoTime() - job.receivedNanos()) / 1_000_000;
    long computeMs = e.computeNanos() / 1_000_000;
    return new Completion(job.request().id(), true, null, null, r.model(), r.layer(), r.predictions(), explained,
        new Completion.Timings(Math.max(0, totalMs - computeMs - storeMs), computeMs, storeMs, totalMs),
        job.attempt(), Workers.name(), job.request().metadata());
  }

  private static String rootMessage(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t.getMessage();
  }

  private Completion error(Job job, RequestError error) {
    long totalMs = (System.nanoTime() - job.receivedNanos()) / 1_000_000;
    return Completion.error(job.request().id(), error.code(), error.getMessage(), job.request().metadata(),
        new Completion.Timings(totalMs, 0, 0, totalMs), job.attempt(), Workers.name());
  }

  private void answer(Job job, Completion completion, byte[] thumbnail, String overlayUri) {
    vertx.eventBus().send(Messages.ANSWERS, new Messages.CompletionAnswer(job.ref(), completion, thumbnail, overlayUri));
    pending.decrementAndGet();
  }
}
