package dev.l2caf.pipeline;

/**
 * A request on its way through the worker, with its image bytes once fetched.
 *
 * @param receivedNanos when the record was read (System.nanoTime), for the timings
 */
public record Job(ExplainRequest request, RecordRef ref, byte[] imageBytes, long receivedNanos, int attempt) {}
