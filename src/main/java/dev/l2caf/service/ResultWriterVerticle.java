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
import dev.l2caf.store.ObjectKeys;
import dev.l2caf.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
  private final ObjectStore store;
  private final String prefix;

  ResultWriterVerticle(ObjectStore store, String prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<Outcome>localConsumer(Messages.OUTCOMES, m -> onOutcome(m.body()));
    return Future.succeededFuture();
  }

  private void onOutcome(Outcome outcome) {
    if (outcome instanceof Outcome.Failed f) {
      answer(f.job(), error(f.job(), f.error()), null, null);
    } else {
      Outcome.Explained e = (Outcome.Explained) outcome;
      // PNG encoding is slow: on worker threads, in parallel, never on the event loop or the engine's thread.
      vertx.executeBlocking(() -> ResultFiles.render(e), false)
          .onSuccess(rendered -> store(e, rendered))
          .onFailure(failure -> answer(e.job(), error(e.job(), ErrorCodes.of(failure)), null, null));
    }
  }

  private void store(Outcome.Explained e, Outcome.Rendered rendered) {
    Job job = e.job();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> puts = new ArrayList<>();
    List<Completion.Explained> explained = new ArrayList<>();
    String model = e.result().model();
    for (Outcome.RenderedClass files : rendered.classes()) {
      Map<OutputKind, String> uris = new EnumMap<>(OutputKind.class);
      files.files().forEach((kind, bytes) -> {
        String key = ObjectKeys.forResult(prefix, model, job.request().id(), files.folder(), kind.fileName());
        puts.add(store.put(key, bytes, kind.contentType()));
        uris.put(kind, "s3://" + store.bucket() + "/" + key);
      });
      ClassExplanation x = files.explanation();
      explained.add(new Completion.Explained(x.classId(), x.label(), x.solver().label(), x.iterations(), x.loss(),
          x.box(), uris));
    }
    CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])).whenComplete((ok, failure) ->
        context.runOnContext(v -> {
          if (failure != null) {
            answer(job, error(job, ErrorCodes.of(failure)), null, null);
            return;
          }
          long storeMs = (System.nanoTime() - start) / 1_000_000;
          ImageExplanation r = e.result();
          long totalMs = (System.nanoTime() - job.receivedNanos()) / 1_000_000;
          long computeMs = e.computeNanos() / 1_000_000;
          Completion done = new Completion(job.request().id(), true, null, null, r.model(), r.layer(), r.predictions(),
              explained, new Completion.Timings(Math.max(0, totalMs - computeMs - storeMs), computeMs, storeMs, totalMs),
              job.attempt(), Workers.name(), job.request().metadata());
          // Stored last: its presence tells a resumed backfill that every file of this request is there.
          store.put(ObjectKeys.forCompletion(prefix, model, job.request().id()), CompletionJson.toBytes(done),
                  "application/json")
              .whenComplete((stored, storeFailure) -> context.runOnContext(w -> {
                if (storeFailure != null) {
                  answer(job, error(job, ErrorCodes.of(storeFailure)), null, null);
                } else {
                  answer(job, done, rendered.thumbnail(),
                      explained.isEmpty() ? null : explained.get(0).files().get(OutputKind.OVERLAY_PNG));
                }
              }));
        }));
  }

  private Completion error(Job job, RequestError error) {
    long totalMs = (System.nanoTime() - job.receivedNanos()) / 1_000_000;
    return Completion.error(job.request().id(), error.code(), error.getMessage(), job.request().metadata(),
        new Completion.Timings(totalMs, 0, 0, totalMs), job.attempt(), Workers.name());
  }

  private void answer(Job job, Completion completion, byte[] thumbnail, String overlayUri) {
    vertx.eventBus().send(Messages.ANSWERS, new Messages.CompletionAnswer(job.ref(), completion, thumbnail, overlayUri));
  }
}
