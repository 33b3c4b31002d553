package dev.l2caf.service;

import dev.l2caf.config.KafkaSettings;
import dev.l2caf.pipeline.Completion;
import dev.l2caf.pipeline.Job;
import dev.l2caf.pipeline.OffsetTracker;
import dev.l2caf.pipeline.ParseResult;
import dev.l2caf.pipeline.RecordRef;
import dev.l2caf.pipeline.RequestParser;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads requests from Kafka and routes each one: valid ones to the worker, invalid ones straight to an
 * error completion, unparseable ones to the dead-letter topic. Offsets are committed by hand, only up to
 * records whose answers Kafka acknowledged (at-least-once), and the consumer pauses while too many
 * requests are in flight.
 */
final class RequestConsumerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RequestConsumerVerticle.class);
  private static final long COMMIT_INTERVAL_MS = 200;
  private static final long LAG_INTERVAL_MS = 5_000;

  private final KafkaSettings settings;
  private final RequestParser parser;
  private final ServiceEvents events;
  private final OffsetTracker tracker = new OffsetTracker();
  private final Map<OffsetTracker.Partition, Long> committed = new HashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private KafkaConsumer<String, Buffer> consumer;
  private boolean paused;
  private boolean stopping;

  RequestConsumerVerticle(KafkaSettings settings, RequestParser parser, ServiceEvents events) {
    this.settings = settings;
    this.parser = parser;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    consumer = KafkaConsumer.create(vertx, consumerConfig(), String.class, Buffer.class);
    consumer.handler(this::onRecord);
    consumer.exceptionHandler(e -> log.warn("Kafka consumer: {}", e.toString()));
    consumer.partitionsAssignedHandler(partitions -> {
      assigned.addAll(partitions);
      log.info("assigned {}", partitions);
      events.partitionsAssigned(!assigned.isEmpty());
      reportLag(); // at once, not only at the next period: the status page shows the partitions from the start
    });
    consumer.partitionsRevokedHandler(partitions -> {
      log.info("revoked {}", partitions);
      commit();
      for (TopicPartition p : partitions) {
        OffsetTracker.Partition key = new OffsetTracker.Partition(p.getTopic(), p.getPartition());
        tracker.forget(key);
        committed.remove(key);
      }
      assigned.removeAll(partitions);
      events.partitionsAssigned(!assigned.isEmpty());
      updateFlow();
    });
    vertx.eventBus().<RecordRef>localConsumer(Messages.ANSWERED, m -> onAnswered(m.body()));
    vertx.setPeriodic(COMMIT_INTERVAL_MS, t -> commit());
    vertx.setPeriodic(LAG_INTERVAL_MS, t -> reportLag());
    return consumer.subscribe(settings.requestsTopic());
  }

  private Map<String, String> consumerConfig() {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", settings.bootstrapServers());
    config.put("group.id", settings.groupId());
    // The group's description then names the worker (pid and host) that holds each partition.
    config.put("client.id", "l2caf-" + Workers.name().replaceAll("[^A-Za-z0-9._-]", "-"));
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("max.poll.records", String.valueOf(Math.max(1, Math.min(500, settings.maxInFlight()))));
    config.put("max.partition.fetch.bytes", String.valueOf(settings.maxMessageBytes()));
    config.put("fetch.max.bytes", String.valueOf(Math.max(52_428_800, settings.maxMessageBytes())));
    config.put("partition.assignment.strategy", settings.assignor().className());
    config.put("session.timeout.ms", String.valueOf(settings.sessionTimeoutMs()));
    // Kafka's 3 s heartbeat must stay well inside a shorter session timeout (a third, as Kafka advises).
    config.put("heartbeat.interval.ms", String.valueOf(Math.max(1, Math.min(3_000, settings.sessionTimeoutMs() / 3))));
    return config;
  }

  private void onRecord(KafkaConsumerRecord<String, Buffer> record) {
    RecordRef ref = new RecordRef(record.topic(), record.partition(), record.offset());
    tracker.received(ref);
    updateFlow();
    byte[] value = record.value() == null ? null : record.value().getBytes();
    long now = System.nanoTime();
    ParseResult parsed = value != null && value.length > settings.maxMessageBytes()
        ? new ParseResult.DeadLetter("record of " + value.length + " bytes is over the limit of " + settings.maxMessageBytes())
        : parser.parse(value);
    if (parsed instanceof ParseResult.Accepted a) {
      events.requestReceived(a.request().id());
      vertx.eventBus().send(Messages.JOBS, new Job(a.request(), ref, null, now, 1));
    } else if (parsed instanceof ParseResult.Rejected r) {
      events.requestReceived(r.id());
      Completion error = Completion.error(r.id(), r.code(), r.message(), r.metadata(), Completion.Timings.NONE, 1,
          Workers.name());
      vertx.eventBus().send(Messages.ANSWERS, new Messages.CompletionAnswer(ref, error, null, null));
    } else if (parsed instanceof ParseResult.DeadLetter d) {
      log.info("record {}-{}@{} to the dead-letter topic: {}", ref.topic(), ref.partition(), ref.offset(), d.reason());
      vertx.eventBus().send(Messages.ANSWERS,
          new Messages.DeadLetterAnswer(ref, record.key(), value == null ? new byte[0] : value, d.reason()));
    }
  }

  private void onAnswered(RecordRef ref) {
    tracker.answered(ref);
    updateFlow();
  }

  /** Pauses above the in-flight bound; resumes once half of it drained. */
  private void updateFlow() {
    int inFlight = tracker.inFlight();
    if (!paused && inFlight >= settings.maxInFlight()) {
      paused = true;
      consumer.pause();
      log.debug("paused at {} in flight", inFlight);
    } else if (paused && !stopping && inFlight <= settings.maxInFlight() / 2) {
      paused = false;
      consumer.resume();
      log.debug("resumed at {} in flight", inFlight);
    }
    events.inFlight(inFlight, paused);
  }

  private Future<Void> commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    tracker.committable().forEach((p, offset) -> {
      if (!offset.equals(committed.get(p))) {
        offsets.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(offset, ""));
      }
    });
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    return consumer.commit(offsets)
        .onSuccess(done -> offsets.forEach((tp, o) ->
            committed.put(new OffsetTracker.Partition(tp.getTopic(), tp.getPartition()), o.getOffset())))
        .onFailure(e -> log.warn("commit failed (will retry): {}", e.toString()))
        .mapEmpty();
  }

  private void reportLag() {
    if (assigned.isEmpty()) {
      return;
    }
    Set<TopicPartition> partitions = Set.copyOf(assigned);
    consumer.endOffsets(partitions).onSuccess(ends -> {
      Map<String, Long> lag = new HashMap<>();
      ends.forEach((tp, end) -> {
        Long done = committed.get(new OffsetTracker.Partition(tp.getTopic(), tp.getPartition()));
        lag.put(tp.getTopic() + "-" + tp.getPartition(), Math.max(0, end - (done == null ? 0 : done)));
      });
      events.consumerLag(lag);
    });
  }

  /** Stops reading; in-flight requests keep being answered. */
  void stopReading() {
    stopping = true;
    paused = true;
    consumer.pause();
  }

  int inFlight() {
    return tracker.inFlight();
  }

  @Override
  public Future<?> stop() {
    return commit().transform(r -> consumer.close());
  }
}
