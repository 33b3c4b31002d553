package dev.l2caf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that is not in the store stops {@code worker}, {@code demo} and {@code explain} at startup with the same
 * single message (the store searched, both ways to get the model), before any server starts, without a stack trace.
 */
class MissingModelTest {
  private static final String MODEL = "mobilenet-v1-050-224";

  @TempDir Path temp;

  private static void assertTheStoreMessage(CliRun run, Path store) {
    assertEquals(2, run.exit(), run.out() + run.err()); // the CLI's exit code for a user error
    for (String part : List.of("model '" + MODEL + "' is not in the model store " + store.toAbsolutePath(),
        "l2caf models pull " + MODEL, "l2caf models import")) {
      assertTrue(run.err().contains(part), "lacks '" + part + "': " + run.err());
    }
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
  }

  @Test
  void workerStopsAtStartupWithTheStoreMessage() throws IOException {
    Path store = Files.createDirectories(temp.resolve("empty-store"));
    Path config = Files.writeString(temp.resolve("application.yaml"), """
        worker:
          model: %s
        kafka:
          bootstrap-servers: 127.0.0.1:1
        """.formatted(MODEL));

    assertTheStoreMessage(CliRun.of("worker", "--config", config.toString(), "--models", store.toString()), store);
  }

  @Test
  void demoAndExplainStopWithTheSameMessage() throws IOException {
    Path store = Files.createDirectories(temp.resolve("empty-store"));
    Path demoDir = temp.resolve("demo");

    assertTheStoreMessage(CliRun.of("demo", "--once", "--models", store.toString(), "--model", MODEL,
        "--kafka-port", "0", "--s3-port", "0", "--http-port", "0", "--dir", demoDir.toString()), store);
    assertFalse(Files.exists(demoDir), "no server was started, nothing written");

    assertTheStoreMessage(CliRun.of("explain", TestAssets.SAMPLES.resolve("dog.jpg").toString(),
        "--models", store.toString(), "--model", MODEL), store);
  }
}
