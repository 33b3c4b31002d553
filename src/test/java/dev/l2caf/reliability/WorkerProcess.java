package dev.l2caf.reliability;

import dev.l2caf.TestAssets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code l2caf worker} in a child JVM, so that tests can kill it like an orchestrator would. */
final class WorkerProcess implements AutoCloseable {
  private final Process process;
  private final int httpPort;
  final Path log;

  private WorkerProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** Starts a worker with the given L2CAF_* / AWS_* environment and waits until it is ready. */
  static WorkerProcess start(Map<String, String> env, Path log) throws Exception {
    int port = freePort();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp", classpath,
        "dev.l2caf.cli.Main", "worker"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    builder.environment().put("L2CAF_HTTP_PORT", String.valueOf(port));
    builder.environment().put("L2CAF_WORKER_MODEL", TestAssets.MODEL_DIR.toAbsolutePath().toString());
    WorkerProcess worker = new WorkerProcess(builder.start(), port, log);
    worker.awaitReady(Duration.ofSeconds(120));
    return worker;
  }

  private void awaitReady(Duration timeout) throws Exception {
    // Timeouts on every poll: a child that accepts the connection but never answers must not hang the test.
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("worker exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // keep polling
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("worker not ready within " + timeout + "; see " + log);
  }

  /** The process id, as in the worker's name ({@code pid@host}) and its Kafka client id. */
  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, nothing finished, nothing committed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code, or -1 if it did not exit within {@code timeout}. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  /** The exit code, or -1 if the worker did not exit within {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** SIGTERM without waiting: the graceful stop runs while the caller watches. */
  void signalTerminate() {
    process.destroy();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
