package dev.l2caf.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults of {@code soak --chaos}: the broker restarts, the S3 server stops for 10 s and the worker is
 * replaced, once each, at moments (numbers of completions seen) drawn from a seed, one after the other on
 * their own thread while the soak reads completions. Before each fault it notes the worker group's
 * committed offsets: a request at or past them may be answered again, one before them must not.
 */
final class Chaos implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Chaos.class);
  private static final Duration BROKER_DOWN = Duration.ofSeconds(3);
  private static final Duration S3_DOWN = Duration.ofSeconds(10);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  enum Kind {
    BROKER_RESTART("broker-restart"),
    S3_OUTAGE("s3-outage"),
    WORKER_REPLACED("worker-replaced");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private record Planned(Kind kind, int atCompletions) {}

  /**
   * A fault as it happened: the requests answered when it began (its planned moment, or more if the
   * previous fault overran it), and the committed offset of each requests partition then.
   */
  record Injected(Kind kind, int atCompletions, long startNanos, long endNanos, Map<Integer, Long> committed) {}

  private final EndToEnd e2e;
  private final long seed;
  private final List<Planned> plan;
  private final List<Injected> injected = new ArrayList<>();
  private final Thread thread;
  private volatile int completions;
  private volatile Throwable failure;

  /** Draws the moments: each fault between 10% and 80% of the requests answered. */
  Chaos(EndToEnd e2e, long seed, int requests) {
    this.e2e = e2e;
    this.seed = seed;
    Random random = new Random(seed);
    List<Planned> planned = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      planned.add(new Planned(kind, requests / 10 + random.nextInt(Math.max(1, requests * 7 / 10))));
    }
    planned.sort(Comparator.comparingInt(Planned::atCompletions));
    this.plan = List.copyOf(planned);
    this.thread = new Thread(this::inject, "l2caf-soak-chaos");
    thread.setDaemon(true);
  }

  long seed() {
    return seed;
  }

  void start() {
    thread.start();
  }

  /** Told by the soak how many requests have a completion so far. */
  void completions(int distinct) {
    completions = distinct;
  }

  boolean finished() {
    return !thread.isAlive();
  }

  private void inject() {
    try {
      for (Planned p : plan) {
        while (completions < p.atCompletions()) {
          Thread.sleep(50);
        }
        Map<Integer, Long> committed = committedOffsets();
        int answered = completions;
        long start = System.nanoTime();
        log.info("chaos: {} at {} completions (planned at {})", p.kind().label, answered, p.atCompletions());
        switch (p.kind()) {
          case BROKER_RESTART -> e2e.stack().restartKafka(BROKER_DOWN);
          case S3_OUTAGE -> e2e.stack().restartS3(S3_DOWN);
          case WORKER_REPLACED -> e2e.replaceWorker();
        }
        synchronized (injected) {
          injected.add(new Injected(p.kind(), answered, start, System.nanoTime(), committed));
        }
      }
    } catch (Throwable e) {
      failure = e;
      log.error("chaos: a fault could not be injected", e);
    }
  }

  private Map<Integer, Long> committedOffsets() throws Exception {
    String topic = e2e.config().kafka().requestsTopic();
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, e2e.stack().kafka().bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(e2e.config().kafka().groupId())
          .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<Integer, Long> committed = new HashMap<>();
      offsets.forEach((tp, o) -> {
        if (tp.topic().equals(topic) && o != null) {
          committed.put(tp.partition(), o.offset());
        }
      });
      return committed;
    }
  }

  /** The faults injected so far; throws if one could not be. */
  List<Injected> injected() {
    if (failure != null) {
      throw new IllegalStateException("chaos: a fault could not be injected", failure);
    }
    synchronized (injected) {
      return List.copyOf(injected);
    }
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join();
  }
}
