package dev.l2caf.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final OffsetTracker.Partition P0 = new OffsetTracker.Partition("t", 0);
  private static final OffsetTracker.Partition P1 = new OffsetTracker.Partition("t", 1);

  @Test
  void commitsOnlyPastRecordsWhoseAnswersAndAllEarlierOnesAreAcknowledged() {
    OffsetTracker t = new OffsetTracker();
    for (long o = 10; o < 15; o++) {
      t.received(new RecordRef("t", 0, o));
    }
    t.received(new RecordRef("t", 1, 3));
    assertEquals(6, t.inFlight());
    assertEquals(Map.of(P0, 10L, P1, 3L), t.committable(), "nothing answered: commit nothing new");
    t.answered(new RecordRef("t", 0, 12));
    t.answered(new RecordRef("t", 0, 11));
    assertEquals(10L, t.committable().get(P0), "10 still open holds the partition back");
    t.answered(new RecordRef("t", 0, 10));
    assertEquals(13L, t.committable().get(P0));
    t.answered(new RecordRef("t", 0, 13));
    t.answered(new RecordRef("t", 0, 14));
    t.answered(new RecordRef("t", 1, 3));
    assertEquals(Map.of(P0, 15L, P1, 4L), t.committable(), "all answered: the next offsets");
    assertEquals(0, t.inFlight());
  }

  @Test
  void duplicatesAndRevokedPartitionsAreHarmless() {
    OffsetTracker t = new OffsetTracker();
    t.received(new RecordRef("t", 0, 1));
    t.received(new RecordRef("t", 0, 1));
    assertEquals(1, t.inFlight());
    t.answered(new RecordRef("t", 0, 1));
    t.answered(new RecordRef("t", 0, 1));
    assertEquals(0, t.inFlight());
    t.received(new RecordRef("t", 1, 5));
    t.forget(P1);
    t.answered(new RecordRef("t", 1, 5));
    assertEquals(0, t.inFlight());
    assertEquals(Map.of(P0, 2L), t.committable());
  }
}
