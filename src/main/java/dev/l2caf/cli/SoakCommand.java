package dev.l2caf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.soak.Soak;
import dev.l2caf.soak.SoakReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code l2caf soak}: many requests through the real pipeline on embedded infrastructure, and what was lost. */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sends N requests (the sample photos, inline) through an embedded Kafka broker, the worker and an embedded",
      "S3 server in this process, and prints throughput, latency percentiles (publish to completion), maximum heap",
      "and resident memory, and the counts of lost and duplicate completions."},
    footer = {"", "Examples:", "  soak", "  soak --requests 500 --json"})
final class SoakCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--requests", paramLabel = "N", defaultValue = "5000", description = "Requests to send (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--images", paramLabel = "DIR", defaultValue = "samples", description = "Photos to send (default: ${DEFAULT-VALUE}).")
  Path images;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600", description = "Longest run (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<byte[]> photos = new ArrayList<>();
    for (Path file : ImageFiles.expand(List.of(images))) {
      photos.add(Files.readAllBytes(file));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SoakReport r;
    try (ProgressBar bar = ProgressBars.on(err, "soak", requests)) {
      r = Soak.run(requests, photos, Duration.ofSeconds(timeoutSeconds), bar::stepTo);
    }
    err.println();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(r));
    } else {
      out.printf("%d requests: %d completed (%d ok, %d failed), %d lost, %d duplicates%n", r.requests(), r.completed(),
          r.ok(), r.failed(), r.lost(), r.duplicates());
      out.printf("throughput %.1f requests/s over %.1f s%n", r.requestsPerSecond(), r.seconds());
      out.printf("latency, publish to completion (all published at once, so the backlog counts): p50 %d ms, p95 %d ms,"
          + " p99 %d ms%n", r.p50Ms(), r.p95Ms(), r.p99Ms());
      out.printf("latency, record read to completion (the completions' total_ms): p50 %d ms, p95 %d ms, p99 %d ms%n",
          r.serviceP50Ms(), r.serviceP95Ms(), r.serviceP99Ms());
      out.printf("max live heap %d MiB, max RSS %d MiB (worker and embedded servers in one process)%n",
          r.maxHeapBytes() / 1_048_576, r.maxResidentBytes() / 1_048_576);
    }
    out.flush();
    return r.lost() == 0 && r.failed() == 0 ? 0 : 1;
  }
}
