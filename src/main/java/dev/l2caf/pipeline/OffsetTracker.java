package dev.l2caf.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * At-least-once bookkeeping for one consumer: records are answered out of order, but a partition's offset
 * may only advance past a record once it and every earlier record of that partition are answered.
 * Not thread-safe: used from the consumer's event loop.
 */
public final class OffsetTracker {
  /** Per partition: offsets received and not yet answered. */
  private final Map<Partition, TreeSet<Long>> pending = new HashMap<>();
  /** Per partition: the next offset after the highest one received. */
  private final Map<Partition, Long> nextAfterReceived = new HashMap<>();
  private int inFlight;

  public record Partition(String topic, int partition) {}

  public void received(RecordRef ref) {
    Partition p = new Partition(ref.topic(), ref.partition());
    if (pending.computeIfAbsent(p, k -> new TreeSet<>()).add(ref.offset())) {
      inFlight++;
    }
    nextAfterReceived.merge(p, ref.offset() + 1, Math::max);
  }

  /** Marks a record answered; unknown records (e.g. of a revoked partition) are ignored. */
  public void answered(RecordRef ref) {
    TreeSet<Long> offsets = pending.get(new Partition(ref.topic(), ref.partition()));
    if (offsets != null && offsets.remove(ref.offset())) {
      inFlight--;
    }
  }

  /** Received and not yet answered, over all partitions. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * The offset to commit per partition: the oldest unanswered record, or the next after the newest
   * received when everything is answered.
   */
  public Map<Partition, Long> committable() {
    Map<Partition, Long> out = new HashMap<>();
    nextAfterReceived.forEach((p, next) -> {
      TreeSet<Long> offsets = pending.get(p);
      out.put(p, offsets == null || offsets.isEmpty() ? next : offsets.first());
    });
    return out;
  }

  /** Forgets a partition that this consumer no longer owns. */
  public void forget(Partition p) {
    TreeSet<Long> offsets = pending.remove(p);
    if (offsets != null) {
      inFlight -= offsets.size();
    }
    nextAfterReceived.remove(p);
  }
}
