package dev.l2caf.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one) in this JVM, listening on
 * 127.0.0.1 only. For the {@code demo} command and tests.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  /** Broker record limit: above kafka.max-message-bytes (16 MiB) plus batch overhead. */
  private static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
  private static final Optional<Short> ONE_REPLICA = Optional.of((short) 1);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final int port;
  private final Path logDir;
  private final boolean deleteLogDirOnClose;

  private EmbeddedKafka(KafkaRaftServer server, int port, Path logDir, boolean deleteLogDir) {
    this.server = server;
    this.port = port;
    this.logDir = logDir;
    this.deleteLogDirOnClose = deleteLogDir;
  }

  /**
   * Starts a broker whose data lives in a temporary folder, deleted on {@link #close()}.
   *
   * @param port the client port; 0 picks a free one
   */
  public static EmbeddedKafka start(int port) {
    try {
      return start(port, Files.createTempDirectory("l2caf-kafka-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Kafka log folder", e);
    }
  }

  /**
   * Starts a broker whose data lives in {@code logDir}, kept on close so that a later broker on
   * the same folder finds its topics and records again.
   *
   * @param port the client port; 0 picks a free one
   */
  public static EmbeddedKafka start(int port, Path logDir) {
    return start(port, logDir, false);
  }

  private static EmbeddedKafka start(int requestedPort, Path logDir, boolean deleteLogDir) {
    long started = System.nanoTime();
    int port = requestedPort == 0 ? freePort() : requestedPort;
    // The controller port must be known before start (it is in the quorum voters), hence fixed.
    int controllerPort = freePort();
    Properties properties = brokerProperties(port, controllerPort, logDir);
    KafkaRaftServer server;
    try {
      Files.createDirectories(logDir);
      format(properties, logDir);
      server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data in " + logDir, e);
    }
    EmbeddedKafka kafka = new EmbeddedKafka(server, port, logDir, deleteLogDir);
    try {
      server.startup();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    log.info("Kafka broker at {} (data in {}) started in {} ms", kafka.bootstrapServers(),
        logDir, (System.nanoTime() - started) / 1_000_000);
    return kafka;
  }

  private static Properties brokerProperties(int port, int controllerPort, Path logDir) {
    Properties properties = new Properties();
    properties.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.voters", "1@" + HOST + ":" + controllerPort),
        Map.entry("listeners",
            "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort),
        Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("log.dirs", logDir.toAbsolutePath().toString()),
        // One node: internal topics can have one replica, and few partitions start faster.
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        // The 128 MiB default dedupe buffer would triple the heap an idle broker needs.
        Map.entry("log.cleaner.dedupe.buffer.size", "4194304"),
        Map.entry("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES)),
        Map.entry("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES))));
    return properties;
  }

  /** Formats {@code logDir} for KRaft unless already formatted (a restart on kept data). */
  private static void format(Properties properties, Path logDir) throws IOException {
    // Checked here: the tool's --ignore-formatted still changes the expected cluster id.
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path propertiesFile = Files.createTempFile("l2caf-kafka-", ".properties");
    try {
      try (OutputStream out = Files.newOutputStream(propertiesFile)) {
        properties.store(out, null);
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int exitCode = StorageTool.execute(new String[] {
          "format", "--cluster-id", Uuid.randomUuid().toString(),
          "--config", propertiesFile.toString()},
          new PrintStream(output, true, StandardCharsets.UTF_8));
      if (exitCode != 0) {
        throw new IllegalStateException("formatting " + logDir + " failed: "
            + output.toString(StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(propertiesFile);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  /** {@code 127.0.0.1:<port>}, for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path logDir() {
    return logDir;
  }

  /**
   * Creates the topics with one replica each; topics that already exist are left as they are.
   *
   * @param partitionsByTopic the number of partitions of each topic, by name
   */
  public void createTopics(Map<String, Integer> partitionsByTopic) {
    List<NewTopic> topics = partitionsByTopic.entrySet().stream()
        .map(topic -> new NewTopic(topic.getKey(), Optional.of(topic.getValue()), ONE_REPLICA))
        .toList();
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      for (Map.Entry<String, KafkaFuture<Void>> created
          : admin.createTopics(topics).values().entrySet()) {
        awaitCreated(created.getKey(), created.getValue());
      }
    }
  }

  private static void awaitCreated(String topic, KafkaFuture<Void> creation) {
    try {
      creation.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + topic, e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topic " + topic + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
  }

  /** Stops the broker and waits until it has shut down; deletes a temporary log folder. */
  @Override
  public void close() {
    long stopping = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    if (deleteLogDirOnClose) {
      deleteRecursively(logDir);
    }
    log.info("Kafka broker at {} stopped in {} ms", bootstrapServers(),
        (System.nanoTime() - stopping) / 1_000_000);
  }

  private static void deleteRecursively(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("cannot delete {}", folder, e);
    }
  }
}
