package dev.l2caf.service;

import dev.l2caf.config.KafkaSettings;
import dev.l2caf.pipeline.Completion;
import dev.l2caf.pipeline.CompletionJson;
import dev.l2caf.pipeline.Stage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each request's one completion event (key = request id) or dead letter, with an idempotent
 * producer and acks=all, and tells the consumer once Kafka has acknowledged it, so its offset may be
 * committed. A failed send is retried: an answer is never dropped while the worker runs.
 */
final class CompletionPublisherVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CompletionPublisherVerticle.class);
  private static final long RETRY_DELAY_MS = 1_000;
  static final String ERROR_HEADER = "l2caf-error";

  private final KafkaSettings settings;
  private final ServiceEvents events;
  private KafkaProducer<String, Buffer> producer;
  private final java.util.concurrent.atomic.AtomicInteger unacknowledged = new java.util.concurrent.atomic.AtomicInteger();

  CompletionPublisherVerticle(KafkaSettings settings, ServiceEvents events) {
    this.settings = settings;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    producer = KafkaProducer.create(vertx, producerConfig(), String.class, Buffer.class);
    producer.exceptionHandler(e -> log.warn("Kafka producer: {}", e.toString()));
    vertx.eventBus().<Messages.Answer>localConsumer(Messages.ANSWERS, m -> publish(m.body()));
    return Future.succeededFuture();
  }

  private Map<String, String> producerConfig() {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", settings.bootstrapServers());
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.request.size", String.valueOf(settings.maxMessageBytes() + 65_536));
    config.put("linger.ms", "5");
    return config;
  }

  private void publish(Messages.Answer answer) {
    unacknowledged.incrementAndGet();
    send(answer);
  }

  private void send(Messages.Answer answer) {
    KafkaProducerRecord<String, Buffer> record = answer instanceof Messages.CompletionAnswer c
        ? KafkaProducerRecord.create(settings.completionsTopic(), c.completion().id(),
            Buffer.buffer(CompletionJson.toBytes(c.completion())))
        : deadLetter((Messages.DeadLetterAnswer) answer);
    long start = System.nanoTime();
    producer.send(record)
        .onSuccess(meta -> {
          events.stageTimed(Stage.PUBLISH, System.nanoTime() - start);
          vertx.eventBus().send(Messages.ANSWERED, answer.ref());
          unacknowledged.decrementAndGet();
          report(answer);
        })
        .onFailure(e -> {
          log.warn("cannot publish the answer to {} (retrying in {} ms): {}", answer.ref(), RETRY_DELAY_MS, e.toString());
          vertx.setTimer(RETRY_DELAY_MS, t -> send(answer));
        });
  }

  private KafkaProducerRecord<String, Buffer> deadLetter(Messages.DeadLetterAnswer d) {
    return KafkaProducerRecord.create(settings.dlqTopic(), d.key(), Buffer.buffer(d.original()))
        .addHeader(ERROR_HEADER, d.reason());
  }

  private void report(Messages.Answer answer) {
    if (answer instanceof Messages.DeadLetterAnswer d) {
      events.requestFailed(null, "DEAD_LETTER", d.reason());
      return;
    }
    Messages.CompletionAnswer c = (Messages.CompletionAnswer) answer;
    Completion completion = c.completion();
    if (completion.ok()) {
      List<String> classes = completion.explanations().stream()
          .map(e -> e.classId() == null ? "oblivious" : e.classId() + " " + e.label()).toList();
      events.requestSucceeded(new ServiceEvents.ResultSummary(completion.id(), completion.model(), classes,
          completion.timings().totalMs(), c.overlayUri(), c.thumbnail()));
    } else {
      events.requestFailed(completion.id(), completion.errorCode().name(), completion.errorMessage());
    }
  }

  /** Answers handed to this verticle and not yet acknowledged by Kafka. */
  int unacknowledged() {
    return unacknowledged.get();
  }

  @Override
  public Future<?> stop() {
    return producer.flush().transform(r -> producer.close());
  }
}
