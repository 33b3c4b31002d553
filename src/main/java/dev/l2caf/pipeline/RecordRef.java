package dev.l2caf.pipeline;

/** Where a request record came from: what gets committed once it is answered. */
public record RecordRef(String topic, int partition, long offset) {}
