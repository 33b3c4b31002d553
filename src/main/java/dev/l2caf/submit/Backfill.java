package dev.l2caf.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.pipeline.RequestParser;
import dev.l2caf.store.ObjectKeys;
import dev.l2caf.store.ObjectStore;
import dev.l2caf.store.S3Uri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Turns images on disk, under an s3:// prefix or in a JSON-lines manifest into requests, uploads local
 * images to the bucket first, and publishes the requests to the requests topic.
 */
public final class Backfill implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");
  /** Where uploaded local images go in the bucket. */
  public static final String INPUT_PREFIX = "inputs";

  private final ServiceConfig config;
  private final ObjectStore store;
  private final KafkaProducer<String, byte[]> producer;

  public Backfill(ServiceConfig config) {
    this.config = config;
    this.store = ObjectStore.create(config.s3());
    Properties p = new Properties();
    p.put("bootstrap.servers", config.kafka().bootstrapServers());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "20");
    p.put("max.request.size", String.valueOf(config.kafka().maxMessageBytes()));
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  public ObjectStore store() {
    return store;
  }

  /**
   * Requests for every source: local files and folders (searched for .jpg, .jpeg, .png; uploaded to
   * {@code s3://<bucket>/inputs/<id>}), {@code s3://bucket/prefix} (every image under it). Each request is
   * {@code template} plus its id and image.
   */
  public List<Submission> fromSources(List<String> sources, ObjectNode template, Consumer<String> uploaded) {
    List<Submission> out = new ArrayList<>();
    for (String source : sources) {
      if (source.startsWith("s3://")) {
        S3Uri prefix = S3Uri.parse(source.endsWith("/") ? source + "*" : source);
        String keyPrefix = prefix.key().equals("*") ? "" : prefix.key().replaceAll("\\*$", "");
        for (String key : join(store.list(prefix.bucket(), keyPrefix))) {
          if (isImage(key)) {
            String uri = "s3://" + prefix.bucket() + "/" + key;
            out.add(submission(idFor(key), template, uriImage(uri), uri));
          }
        }
      } else {
        Path root = Path.of(source);
        if (!Files.exists(root)) {
          throw new IllegalArgumentException("no such file or directory: " + source);
        }
        for (Path file : imagesUnder(root)) {
          String id = idFor(Files.isDirectory(root) ? root.relativize(file).toString() : file.getFileName().toString());
          String key = INPUT_PREFIX + "/" + id;
          join(store.put(key, read(file), contentType(file)));
          uploaded.accept(file.toString());
          out.add(submission(id, template, uriImage("s3://" + store.bucket() + "/" + key), file.toString()));
        }
      }
    }
    return out;
  }

  /** Requests from a JSON-lines file: one request object per line, as in the contract. */
  public static List<Submission> fromManifest(Path manifest) {
    List<Submission> out = new ArrayList<>();
    try {
      int line = 0;
      for (String text : Files.readAllLines(manifest)) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        JsonNode node = JSON.readTree(text);
        if (!(node instanceof ObjectNode request) || !node.path("id").isTextual()) {
          throw new IllegalArgumentException(manifest + ":" + line + ": not a request object with an id");
        }
        out.add(new Submission(request.get("id").asText(), request, manifest + ":" + line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    }
    return out;
  }

  /** Whether the results of {@code id} are already stored (the writer stores completion.json last). */
  public boolean isDone(String id, String model) {
    return join(store.exists(ObjectKeys.forCompletion(config.s3().prefix(), model, id)));
  }

  /** Publishes one request (keyed by id) and waits for Kafka's acknowledgement. */
  public void publish(Submission s) {
    try {
      producer.send(new ProducerRecord<>(config.kafka().requestsTopic(), s.id(), JSON.writeValueAsBytes(s.request())))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | IOException e) {
      throw new IllegalStateException("cannot publish " + s.id() + ": " + e.getMessage(), e);
    }
  }

  /** An id from a file name or key: its characters outside [A-Za-z0-9._-] become '_'. */
  static String idFor(String name) {
    String id = name.replace('\\', '/').replaceAll("[^A-Za-z0-9._-]", "_");
    if (id.length() > 128) {
      id = id.substring(id.length() - 128);
    }
    return RequestParser.validId(id) ? id : "image_" + Integer.toHexString(name.hashCode());
  }

  private static Submission submission(String id, ObjectNode template, ObjectNode image, String source) {
    ObjectNode request = JSON.createObjectNode().put("id", id);
    request.set("image", image);
    request.setAll(template);
    return new Submission(id, request, source);
  }

  private static ObjectNode uriImage(String uri) {
    return JSON.createObjectNode().put("uri", uri);
  }

  private static List<Path> imagesUnder(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of(root);
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).filter(p -> isImage(p.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private static boolean isImage(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static String contentType(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") ? "image/png" : "image/jpeg";
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public void close() {
    producer.close();
    store.close();
  }
}
