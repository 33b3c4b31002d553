package dev.l2caf.soak;

/**
 * What a soak run measured.
 *
 * @param lost published requests without any completion when the run ended
 * @param duplicates completions beyond the first for the same request id
 * @param p50Ms publish to completion, backlog included (all requests are published at once)
 * @param serviceP50Ms the completions' own total_ms: from the worker reading the record to its completion
 * @param maxHeapBytes the most heap found live after a collection (the process's, servers included)
 */
public record SoakReport(
    int requests, int completed, int ok, int failed, int lost, int duplicates, double seconds,
    double requestsPerSecond, long p50Ms, long p95Ms, long p99Ms, long serviceP50Ms, long serviceP95Ms,
    long serviceP99Ms, long maxHeapBytes, long maxResidentBytes) {}
