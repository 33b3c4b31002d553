package dev.l2caf.web;

import java.time.Instant;
import java.util.Arrays;

/**
 * Counts events per second over the last {@value #SECONDS} seconds, in fixed memory whatever the
 * rate: a ring of one-second slots, each stamped with the second it counts. Not thread-safe.
 */
final class CompletionWindow {
  static final int SECONDS = 300;

  private final long[] slotSecond = new long[SECONDS];
  private final long[] slotCount = new long[SECONDS];

  CompletionWindow() {
    Arrays.fill(slotSecond, Long.MIN_VALUE);
  }

  void record(Instant at) {
    long second = at.getEpochSecond();
    int slot = Math.floorMod(second, SECONDS);
    if (slotSecond[slot] != second) {
      slotSecond[slot] = second;
      slotCount[slot] = 0;
    }
    slotCount[slot]++;
  }

  /** Events in the {@code seconds} whole seconds up to and including the one {@code now} is in. */
  long countWithin(Instant now, int seconds) {
    long last = now.getEpochSecond();
    long first = last - seconds + 1;
    long total = 0;
    for (int slot = 0; slot < SECONDS; slot++) {
      if (slotSecond[slot] >= first && slotSecond[slot] <= last) {
        total += slotCount[slot];
      }
    }
    return total;
  }
}
