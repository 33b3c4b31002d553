package dev.l2caf.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Remembers what the pipeline reported, for assertions. */
final class RecordingEvents implements ServiceEvents {
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  final AtomicInteger succeeded = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  volatile boolean ready;

  @Override
  public void requestReceived(String id) {}

  @Override
  public void batchProcessed(int size, double computeMs) {
    batchSizes.add(size);
  }

  @Override
  public void requestSucceeded(ResultSummary result) {
    succeeded.incrementAndGet();
  }

  @Override
  public void requestFailed(String id, String code, String message) {
    failed.incrementAndGet();
  }

  @Override
  public void inFlight(int count, boolean paused) {}

  @Override
  public void consumerLag(Map<String, Long> lagByPartition) {}

  @Override
  public void modelReady(boolean value) {
    ready = value;
  }

  @Override
  public void partitionsAssigned(boolean assigned) {}
}
