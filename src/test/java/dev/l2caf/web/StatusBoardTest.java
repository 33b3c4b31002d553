package dev.l2caf.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.service.ServiceEvents.ResultSummary;
import dev.l2caf.web.StatusSnapshot.BatchSizeBucket;
import dev.l2caf.web.StatusSnapshot.RecentError;
import dev.l2caf.web.StatusSnapshot.RecentResult;
import dev.l2caf.web.StatusSnapshot.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusBoardTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T10:00:00.250Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StatusBoard board = new StatusBoard(registry, clock);

  static ResultSummary result(String id) {
    return new ResultSummary(id, "mobilenet", List.of("tabby cat"), 42.0, "s3://l2caf/" + id + ".png",
        null);
  }

  @Test
  void countsRequestsAndMirrorsThemInMeters() {
    for (int i = 0; i < 5; i++) {
      board.requestReceived("r" + i);
    }
    board.requestSucceeded(result("r0"));
    board.requestSucceeded(result("r1"));
    board.requestSucceeded(result("r2"));
    board.requestFailed("r3", "timeout", "engine took too long");
    board.requestFailed(null, "bad-record", "not JSON");

    assertEquals(new Requests(5, 3, 2), board.snapshot().requests());
    assertEquals(5, registry.get("l2caf.requests.received").counter().count());
    assertEquals(3, registry.get("l2caf.requests.succeeded").counter().count());
    assertEquals(1, registry.get("l2caf.requests.failed").tag("code", "timeout").counter().count());
    assertEquals(1, registry.get("l2caf.requests.failed").tag("code", "bad-record").counter().count());
    assertEquals(3, registry.get("l2caf.request.duration").timer().count());
  }

  @Test
  void throughputCountsCompletionsInTheLastOneAndFiveMinutes() {
    board.requestSucceeded(result("a"));
    board.requestSucceeded(result("b"));
    board.requestFailed("c", "timeout", "slow");
    clock.advance(Duration.ofSeconds(30));
    board.requestSucceeded(result("d"));

    assertThroughput(4, 4);
    clock.advance(Duration.ofSeconds(29)); // the first three are 59 s old: still within the minute
    assertThroughput(4, 4);
    clock.advance(Duration.ofSeconds(1));
    assertThroughput(1, 4);
    clock.advance(Duration.ofSeconds(240)); // 300 s after the first three
    assertThroughput(0, 1);
    clock.advance(Duration.ofSeconds(30));
    assertThroughput(0, 0);

    clock.advance(Duration.ofHours(3)); // the ring's old slots never count again
    board.requestSucceeded(result("e"));
    assertThroughput(1, 1);
    assertEquals(1 / 60.0, board.snapshot().throughput().perSecondLastMinute(), 1e-12);
    assertEquals(1 / 300.0, board.snapshot().throughput().perSecondLastFiveMinutes(), 1e-12);
  }

  private void assertThroughput(long lastMinute, long lastFiveMinutes) {
    var throughput = board.snapshot().throughput();
    assertEquals(lastMinute, throughput.lastMinute(), "last minute");
    assertEquals(lastFiveMinutes, throughput.lastFiveMinutes(), "last five minutes");
  }

  @Test
  void batchSizesFallIntoPowerOfTwoBuckets() {
    for (int size : new int[] {1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 1000}) {
      board.batchProcessed(size, 5.0);
    }
    board.batchProcessed(0, 1.0); // ignored: no such batch

    List<BatchSizeBucket> buckets = board.snapshot().batchSizes();
    assertEquals(List.of("1", "2-3", "4-7", "8-15", "16-31", "32+"),
        buckets.stream().map(BatchSizeBucket::label).toList());
    assertArrayEquals(new long[] {1, 2, 2, 2, 2, 2},
        buckets.stream().mapToLong(BatchSizeBucket::batches).toArray());
    assertEquals(new BatchSizeBucket("32+", 32, null, 2), buckets.get(5));
    assertEquals(11, registry.get("l2caf.batch.size").summary().count());
    assertEquals(11, registry.get("l2caf.batch.compute").timer().count());
  }

  @Test
  void keepsTheLastTwentyResultsAndErrorsNewestFirst() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    for (int i = 0; i < 25; i++) {
      board.requestSucceeded(new ResultSummary("ok-" + i, "m", List.of("c"), i, null,
          i == 24 ? png : null));
      board.requestFailed("bad-" + i, "decode", "broken image " + i);
    }

    StatusSnapshot status = board.snapshot();
    List<RecentResult> results = status.recentResults();
    List<RecentError> errors = status.recentErrors();
    assertEquals(20, results.size());
    assertEquals("ok-24", results.get(0).id());
    assertEquals("ok-5", results.get(19).id());
    assertEquals(Base64.getEncoder().encodeToString(png), results.get(0).overlayThumbnail());
    assertNull(results.get(1).overlayThumbnail());
    assertEquals(20, errors.size());
    assertEquals(new RecentError("bad-24", "decode", "broken image 24", clock.instant()),
        errors.get(0));
    assertEquals("bad-5", errors.get(19).id());
    assertEquals(new Requests(0, 25, 25), status.requests());
    assertThrows(UnsupportedOperationException.class, () -> results.add(results.get(0)));
  }

  @Test
  void readyOnlyWithModelAndPartitions() {
    assertFalse(board.ready());
    board.modelReady(true);
    assertFalse(board.ready());
    assertFalse(board.snapshot().ready());
    board.partitionsAssigned(true);
    assertTrue(board.ready());
    assertTrue(board.snapshot().ready());
    board.modelReady(false);
    assertFalse(board.ready());
    assertEquals(1, registry.get("l2caf.partitions.assigned").gauge().value());
    assertEquals(0, registry.get("l2caf.model.ready").gauge().value());
  }

  @Test
  void tracksInFlightPausedAndLagPerPartition() {
    board.inFlight(7, true);
    board.consumerLag(Map.of("requests-10", 5L, "requests-2", 3L, "other-0", 1L));

    StatusSnapshot status = board.snapshot();
    assertEquals(7, status.inFlight());
    assertTrue(status.paused());
    assertEquals(List.of("other-0", "requests-2", "requests-10"),
        List.copyOf(status.lagByPartition().keySet()));
    assertEquals(7, registry.get("l2caf.requests.inflight").gauge().value());
    assertEquals(1, registry.get("l2caf.consumer.paused").gauge().value());
    assertEquals(5, registry.get("l2caf.consumer.lag").tag("partition", "requests-10").gauge().value());

    board.consumerLag(Map.of("requests-2", 0L)); // the others were revoked
    assertEquals(Map.of("requests-2", 0L), board.snapshot().lagByPartition());
    assertEquals(1, registry.find("l2caf.consumer.lag").gauges().size());
  }

  @Test
  void uptimeRunsFromConstruction() {
    clock.advance(Duration.ofSeconds(3725));
    assertEquals(3725, board.snapshot().uptimeSeconds());
    assertEquals("1h 02m", StatusPage.uptime(3725));
    assertEquals("2d 0h 00m", StatusPage.uptime(172_800));
    assertEquals("42s", StatusPage.uptime(42));
  }

  @Test
  void neverThrowsOnOddInput() {
    board.requestSucceeded(null);
    board.requestSucceeded(new ResultSummary(null, null, null, Double.NaN, null, null));
    board.requestFailed(null, null, null);
    board.consumerLag(null);

    StatusSnapshot status = board.snapshot();
    assertEquals(List.of(), status.recentResults().get(0).classes());
    assertEquals("unknown", status.recentErrors().get(0).code());
  }

  /** A clock the test moves by hand. */
  static final class ManualClock implements InstantSource {
    private Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
