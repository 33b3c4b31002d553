package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2caf.TestAssets;
import dev.l2caf.image.TestImages;
import dev.l2caf.service.ServiceHarness;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebalances under load: three workers in child JVMs share six partitions and 1,500 requests; a fourth joins,
 * one is stopped with SIGTERM and another killed with SIGKILL, each at its own moment. Nothing is lost and
 * every repeat says the same as the first answer. What a rebalance costs (repeats, and how long partitions
 * go without an owner) is measured and logged, not asserted: it depends on the machine's load.
 *
 * <p>The workers run the configured assignor; {@code -Dl2caf.rebalance.assignor=range} (or
 * {@code cooperative-sticky}) runs the comparison by hand (docs/reliability.md has the numbers).
 */
class RebalanceTest {
  private static final Logger log = LoggerFactory.getLogger(RebalanceTest.class);
  private static final String TOPIC = "rebalance.requests";
  private static final String GROUP = "rebalance-group";
  private static final int PARTITIONS = 6;
  private static final int REQUESTS = 1_500;
  /** Short, so that the killed worker's partitions move within the test's time. */
  private static final int SESSION_TIMEOUT_MS = 10_000;
  private static final Duration ALL_ANSWERED = Duration.ofMinutes(10);

  /** Kept after the run: the workers' logs say when each rebalance began and what each worker held. */
  private static final Path LOGS = Path.of("target", "rebalance-logs");

  /**
   * One membership change: when it began, the leaver's partitions (unserved from that moment, revoked or
   * not), and how long until the group was stable again without the leaver (-1 for a join).
   */
  private record Event(String name, long atMs, List<Integer> leaverPartitions, long reassignedMs) {}

  @Test
  void workersJoiningLeavingAndCrashingUnderLoadLoseNothing() throws Exception {
    try (ServiceHarness h = new ServiceHarness(Map.of());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, h.kafka.bootstrapServers()))) {
      h.kafka.createTopics(Map.of(TOPIC, PARTITIONS));
      Files.createDirectories(LOGS);
      Map<String, String> env = workerEnv(h);
      List<WorkerProcess> workers = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      try (CompletionLog completions = new CompletionLog(h.kafka.bootstrapServers())) {
        for (int i = 0; i < 3; i++) {
          workers.add(WorkerProcess.start(env, LOGS.resolve("worker-" + i + ".log")));
        }
        sendRequests(h.kafka.bootstrapServers());

        // Each change starts from a stable group, so that its rebalance is its own.
        completions.awaitDistinct(REQUESTS / 5, ALL_ANSWERED);
        stableOwners(admin);
        long at = System.currentTimeMillis();
        workers.add(WorkerProcess.start(env, LOGS.resolve("worker-3.log")));
        events.add(new Event("worker 4 joins", at, List.of(), -1));

        // A stopping worker reads nothing more: its partitions pause from the signal on.
        completions.awaitDistinct(2 * REQUESTS / 5, ALL_ANSWERED);
        List<Integer> held = partitionsOf(admin, workers.get(0));
        at = System.currentTimeMillis();
        workers.get(0).signalTerminate();
        events.add(new Event("worker 1 stopped (SIGTERM)", at, held, reassigned(admin, workers.get(0), at)));
        log.info("worker 1 exited with {}", workers.get(0).awaitExit(Duration.ofSeconds(60)));

        completions.awaitDistinct(3 * REQUESTS / 5, ALL_ANSWERED);
        held = partitionsOf(admin, workers.get(1));
        at = System.currentTimeMillis();
        workers.get(1).kill();
        events.add(new Event("worker 2 killed (SIGKILL)", at, held, reassigned(admin, workers.get(1), at)));

        completions.awaitDistinct(REQUESTS, ALL_ANSWERED);
        Thread.sleep(5_000); // late repeats count too
        List<Answer> answers = completions.answers();

        Map<String, List<Answer>> byId = new HashMap<>();
        answers.forEach(a -> byId.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(a));
        for (int i = 0; i < REQUESTS; i++) {
          List<Answer> all = byId.get("reb-" + i);
          assertNotNull(all, "reb-" + i + " was lost; logs in " + LOGS);
          for (Answer a : all) {
            assertEquals("ok", a.completion().get("status").asText(), a.completion().toString());
            SameAnswers.assertSame(all.get(0).completion(), a.completion(), "repeat of reb-" + i);
          }
        }
        report(answers, events);
      } finally {
        for (WorkerProcess w : workers) {
          w.close();
        }
      }
    }
  }

  private static Map<String, String> workerEnv(ServiceHarness h) {
    Map<String, String> env = new HashMap<>(Map.of(
        "L2CAF_KAFKA_BOOTSTRAP_SERVERS", h.kafka.bootstrapServers(),
        "L2CAF_KAFKA_REQUESTS_TOPIC", TOPIC,
        "L2CAF_KAFKA_GROUP_ID", GROUP,
        "L2CAF_KAFKA_SESSION_TIMEOUT_MS", String.valueOf(SESSION_TIMEOUT_MS),
        "L2CAF_WORKER_MAX_BATCH", "8",
        // Most requests stay in Kafka, so partitions are still being served when workers come and go.
        "L2CAF_KAFKA_MAX_IN_FLIGHT", "32",
        "L2CAF_S3_ENDPOINT", h.s3.endpoint().toString(),
        "AWS_ACCESS_KEY_ID", ServiceHarness.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", ServiceHarness.SECRET));
    String assignor = System.getProperty("l2caf.rebalance.assignor");
    if (assignor != null) {
      env.put("L2CAF_KAFKA_ASSIGNOR", assignor);
    }
    log.info("assignor {}", assignor == null ? "(configured default)" : assignor);
    return env;
  }

  /** Request i goes to partition i mod 6, so each completion's partition is known from its id. */
  private static void sendRequests(String bootstrap) throws Exception {
    List<String> images = new ArrayList<>();
    for (String name : List.of("dog.jpg", "eagle.jpg", "horses.jpg")) {
      images.add(Base64.getEncoder().encodeToString(small(TestAssets.sampleBytes(name))));
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < REQUESTS; i++) {
        String id = "reb-" + i;
        byte[] request = ServiceHarness.JSON.writeValueAsBytes(
            Map.of("id", id, "image", Map.of("base64", images.get(i % images.size()))));
        producer.send(new ProducerRecord<>(TOPIC, partitionOf(id), id, request));
      }
    }
  }

  private static int partitionOf(String id) {
    return Integer.parseInt(id.substring("reb-".length())) % PARTITIONS;
  }

  /** The photo at 224 pixels wide: decoding a 768 x 576 JPEG 1,500 times would dominate the run on 2 cores. */
  private static byte[] small(byte[] jpeg) throws Exception {
    BufferedImage photo = ImageIO.read(new ByteArrayInputStream(jpeg));
    int height = photo.getHeight() * 224 / photo.getWidth();
    BufferedImage scaled = new BufferedImage(224, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(photo, 0, 0, 224, height, null);
    g.dispose();
    return TestImages.jpeg(scaled);
  }

  /**
   * Partition -> the client id of the member that holds it (the worker's pid is in it), once the group is
   * stable with every partition assigned: mid-rebalance a description shows no assignment.
   */
  private static Map<Integer, String> stableOwners(Admin admin) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get(30, TimeUnit.SECONDS)
          .get(GROUP);
      Map<Integer, String> owners = new TreeMap<>();
      for (MemberDescription m : group.members()) {
        for (TopicPartition tp : m.assignment().topicPartitions()) {
          owners.put(tp.partition(), m.clientId());
        }
      }
      if (group.state() == ConsumerGroupState.STABLE && owners.size() == PARTITIONS || System.nanoTime() > deadline) {
        return owners;
      }
      Thread.sleep(100);
    }
  }

  /** The partitions {@code worker} holds in the stable group. */
  private static List<Integer> partitionsOf(Admin admin, WorkerProcess worker) throws Exception {
    String clientId = clientIdPrefix(worker);
    return stableOwners(admin).entrySet().stream().filter(o -> o.getValue().startsWith(clientId))
        .map(Map.Entry::getKey).toList();
  }

  /** How the worker's Kafka client id begins: its pid is in it. */
  private static String clientIdPrefix(WorkerProcess worker) {
    return "l2caf-" + worker.pid() + "-";
  }

  /** Milliseconds from {@code sinceMs} until the group is stable and {@code leaver} holds no partition. */
  private static long reassigned(Admin admin, WorkerProcess leaver, long sinceMs) throws Exception {
    String clientId = clientIdPrefix(leaver);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (stableOwners(admin).values().stream().anyMatch(owner -> owner.startsWith(clientId))) {
      if (System.nanoTime() > deadline) {
        return -1;
      }
      Thread.sleep(100);
    }
    return System.currentTimeMillis() - sinceMs;
  }

  /** A worker's log line saying that partitions were revoked from it or assigned to it. */
  private record Handover(long atMs, boolean assigned, List<Integer> partitions) {}

  private static final Pattern HANDOVER_LINE = Pattern.compile(
      "^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*RequestConsumerVerticle - (revoked|assigned) \\[(.*)]$");
  private static final Pattern PARTITION = Pattern.compile("partition=(\\d+)");

  /** Every revoke and assignment the workers logged, in time order (log times are this machine's clock). */
  private static List<Handover> handovers() throws Exception {
    List<Handover> all = new ArrayList<>();
    LocalDate today = LocalDate.now();
    try (var logs = Files.list(LOGS)) {
      for (Path file : logs.toList()) {
        for (String line : Files.readAllLines(file)) {
          Matcher m = HANDOVER_LINE.matcher(line);
          if (m.matches()) {
            long at = LocalTime.parse(m.group(1)).atDate(today).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
            all.add(new Handover(at, m.group(2).equals("assigned"),
                PARTITION.matcher(m.group(3)).results().map(r -> Integer.parseInt(r.group(1))).toList()));
          }
        }
      }
    }
    all.sort(Comparator.comparingLong(Handover::atMs));
    return all;
  }

  /**
   * Logs the counts, and per event how long each partition went unserved: from its revoke (for the leaver's
   * partitions, from the signal) to its next assignment. Eager assignors revoke every partition at every
   * rebalance, cooperative ones only those that move.
   */
  private static void report(List<Answer> answers, List<Event> events) throws Exception {
    log.info("{} requests, {} completions, {} repeats", REQUESTS, answers.size(), answers.size() - REQUESTS);
    List<Handover> handovers = handovers();
    for (int e = 0; e < events.size(); e++) {
      Event event = events.get(e);
      long until = e + 1 < events.size() ? events.get(e + 1).atMs() : Long.MAX_VALUE;
      Map<Integer, Long> revokedAt = new TreeMap<>();
      event.leaverPartitions().forEach(p -> revokedAt.put(p, event.atMs()));
      List<String> pauses = new ArrayList<>();
      // Revokes count from this event to the next; the assignment that ends a pause may come after that.
      for (Handover h : handovers) {
        if (h.atMs() < event.atMs() || !h.assigned() && h.atMs() >= until) {
          continue;
        }
        for (int p : h.partitions()) {
          if (!h.assigned()) {
            revokedAt.putIfAbsent(p, h.atMs());
          } else if (revokedAt.containsKey(p)) {
            pauses.add("p" + p + " " + (h.atMs() - revokedAt.remove(p)) + " ms");
          }
        }
      }
      log.info("{}: {}partitions unserved (revoked, or the leaver's from the signal, to assigned): {}", event.name(),
          event.reassignedMs() < 0 ? "" : "group stable without the leaver after " + event.reassignedMs() + " ms; ",
          pauses);
    }
  }

  /** A completion record: its request id and body. */
  private record Answer(String id, JsonNode completion) {}

  /** Reads every completion from the start of the topic on its own thread, repeats included. */
  private static final class CompletionLog implements AutoCloseable {
    private final List<Answer> answers = new ArrayList<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    CompletionLog(String bootstrap) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("group.id", "reader-" + UUID.randomUUID());
      p.put("auto.offset.reset", "earliest");
      reader = new Thread(() -> {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
          consumer.subscribe(List.of("l2caf.completions"));
          while (running) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
              add(new Answer(r.key(), ServiceHarness.json(r.value())));
            }
          }
        }
      }, "completion-log");
      reader.start();
    }

    private synchronized void add(Answer a) {
      answers.add(a);
      counts.merge(a.id(), 1, Integer::sum);
      notifyAll();
    }

    synchronized void awaitDistinct(int distinct, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (counts.size() < distinct && System.nanoTime() < deadline) {
        wait(500);
      }
    }

    synchronized List<Answer> answers() {
      return List.copyOf(answers);
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      reader.join();
    }
  }
}
