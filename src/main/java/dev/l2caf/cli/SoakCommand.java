package dev.l2caf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.soak.ChaosReport;
import dev.l2caf.soak.Soak;
import dev.l2caf.soak.SoakReport;
import dev.l2caf.web.StatusSnapshot.StageTime;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
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
      "and resident memory, the counts of lost and duplicate completions, and where the worker's time went.",
      "With --chaos the broker restarts, S3 stops for 10 s and the worker is replaced during the run."},
    footer = {"", "Examples:", "  soak", "  soak --requests 500 --json", "  soak --outputs heatmap_png,overlay_jpg,raw_json",
      "  soak --chaos --requests 5000", "  soak --chaos --seed 42       (the same faults at the same points again)"})
final class SoakCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--requests", paramLabel = "N", defaultValue = "5000", description = "Requests to send (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--images", paramLabel = "DIR", defaultValue = "samples", description = "Photos to send (default: ${DEFAULT-VALUE}).")
  Path images;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600", description = "Longest run (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--outputs", paramLabel = "KIND", split = ",", description = {
      "Outputs each request asks for, e.g. heatmap_png,overlay_jpg,raw_json (default: none named, so the",
      "service's default: no files, the labels in the completion)."})
  List<String> outputs = List.of();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--chaos", description = {
      "Once each during the run, at moments drawn from --seed: restart the broker (3 s down, same port and",
      "data), stop the S3 server for 10 s, and replace the worker (graceful stop, new one started). Exits 0",
      "only if nothing is lost and every repeated request was one a fault caught uncommitted."})
  boolean chaos;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the --chaos moments (default: random, printed).")
  Long seed;

  @Override
  public Integer call() throws Exception {
    List<byte[]> photos = new ArrayList<>();
    for (Path file : ImageFiles.expand(List.of(images))) {
      photos.add(Files.readAllBytes(file));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OptionalLong chaosSeed = OptionalLong.empty();
    if (chaos) {
      chaosSeed = OptionalLong.of(seed != null ? seed : new Random().nextLong());
      err.printf("chaos seed %d%n", chaosSeed.getAsLong());
      err.flush();
    }
    SoakReport r;
    try (ProgressBar bar = ProgressBars.on(err, "soak", requests)) {
      r = Soak.run(requests, photos, outputs, Duration.ofSeconds(timeoutSeconds), chaosSeed, Map.of(), bar::stepTo);
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
      out.printf("max live heap %d MiB (%d MiB once warm, %d MiB at the end), max RSS %d MiB (worker and embedded"
          + " servers in one process)%n", r.maxHeapBytes() / 1_048_576, r.liveHeapAtStartBytes() / 1_048_576,
          r.liveHeapAtEndBytes() / 1_048_576, r.maxResidentBytes() / 1_048_576);
      if (r.chaos() != null) {
        printChaos(out, r.chaos(), r.duplicates());
      }
      printStages(out, r.stages());
    }
    out.flush();
    boolean repeatsExplained = r.chaos() == null || r.chaos().repeatsOfCommitted() == 0;
    return r.lost() == 0 && r.failed() == 0 && repeatsExplained ? 0 : 1;
  }

  private static void printChaos(PrintWriter out, ChaosReport chaos, int repeats) {
    out.printf("chaos seed %d: %d repeats, %d of them of requests committed before the faults (must be 0)%n",
        chaos.seed(), repeats, chaos.repeatsOfCommitted());
    for (ChaosReport.Fault f : chaos.faults()) {
      out.printf("  %-16s at %5d completions, %7.1f s into the run, lasted %5.1f s%n", f.kind(), f.atCompletions(),
          f.atSeconds(), f.seconds());
    }
  }

  /** Where the worker's time went: per stage, its runs, mean, and share of all stages' time. */
  private static void printStages(PrintWriter out, List<StageTime> stages) {
    double total = stages.stream().mapToDouble(StageTime::totalMs).sum();
    out.printf("where the time goes (engine stages: each image's share of its batch; rendering: per class):%n");
    out.printf("  %-16s %8s %10s %7s%n", "stage", "runs", "mean ms", "share");
    for (StageTime s : stages) {
      out.printf("  %-16s %8d %10.2f %6.1f%%%n", s.stage(), s.count(), s.meanMs(),
          total > 0 ? 100 * s.totalMs() / total : 0);
    }
  }
}
