package dev.l2caf.soak;

/**
 * What a soak run measured.
 *
 * @param lost published requests without any completion when the run ended
 * @param duplicates completions beyond the first for the same request id
 * @param maxHeapBytes the most heap found live after a collection (the process's, servers included)
 */
public record SoakReport(
    int requests, int completed, int ok, int failed, int lost, int duplicates, double seconds,
    double requestsPerSecond, long p50Ms, long p95Ms, long p99Ms, long maxHeapBytes, long maxResidentBytes) {}
