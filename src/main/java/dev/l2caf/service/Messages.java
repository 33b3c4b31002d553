package dev.l2caf.service;

import dev.l2caf.pipeline.Completion;
import dev.l2caf.pipeline.Job;
import dev.l2caf.pipeline.Outcome;
import dev.l2caf.pipeline.RecordRef;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** The event-bus addresses between the pipeline's verticles, and the records they carry. */
final class Messages {
  /** Consumer to worker: a {@link Job} to explain. */
  static final String JOBS = "l2caf.jobs";
  /** Worker to writer: an {@link Outcome} to store. */
  static final String OUTCOMES = "l2caf.outcomes";
  /** Anyone to publisher: an {@link Answer} to publish. */
  static final String ANSWERS = "l2caf.answers";
  /** Publisher to consumer: the {@link RecordRef} of a record whose answer Kafka acknowledged. */
  static final String ANSWERED = "l2caf.answered";

  private Messages() {}

  /** What a request record is answered with: a completion event, or the record itself in the dead-letter topic. */
  sealed interface Answer {
    RecordRef ref();
  }

  record CompletionAnswer(RecordRef ref, Completion completion, byte[] thumbnail, String overlayUri) implements Answer {}

  record DeadLetterAnswer(RecordRef ref, String key, byte[] original, String reason) implements Answer {}

  static void registerCodecs(EventBus bus) {
    for (Class<?> type : List.of(Job.class, Outcome.Explained.class, Outcome.Failed.class, CompletionAnswer.class,
        DeadLetterAnswer.class, RecordRef.class)) {
      register(bus, type);
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // a second service in the same Vert.x instance (tests) shares the codecs
    }
  }
}
