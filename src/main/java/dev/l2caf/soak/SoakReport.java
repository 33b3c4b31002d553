package dev.l2caf.soak;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.l2caf.web.StatusSnapshot.StageTime;
import java.util.List;
import java.util.Map;

/**
 * What a soak run measured.
 *
 * @param lost published requests without any completion when the run ended
 * @param duplicates completions beyond the first for the same request id
 * @param p50Ms publish to completion, backlog included (all requests are published at once)
 * @param serviceP50Ms the completions' own total_ms: from the worker reading the record to its completion
 * @param maxHeapBytes the most heap found live after a collection (the process's, servers included)
 * @param liveHeapAtStartBytes the live heap once the service was warm and the requests sent
 * @param liveHeapAtEndBytes the live heap after the last completion (and a collection)
 * @param stages where the worker's time went, per stage of the service path (the last worker's, after
 *     {@code --chaos} replaced one)
 * @param chaos the faults injected and what they cost; null without {@code --chaos}
 * @param repeated every completion of each request answered more than once, in arrival order
 */
public record SoakReport(
    int requests, int completed, int ok, int failed, int lost, int duplicates, double seconds,
    double requestsPerSecond, long p50Ms, long p95Ms, long p99Ms, long serviceP50Ms, long serviceP95Ms,
    long serviceP99Ms, long maxHeapBytes, long maxResidentBytes, long liveHeapAtStartBytes, long liveHeapAtEndBytes,
    List<StageTime> stages, ChaosReport chaos, @JsonIgnore Map<String, List<JsonNode>> repeated) {}
