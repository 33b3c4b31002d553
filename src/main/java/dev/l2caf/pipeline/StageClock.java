package dev.l2caf.pipeline;

import java.util.function.Supplier;

/** Where the service path reports how long each {@link Stage} took. Implementations are thread-safe and never throw. */
@FunctionalInterface
public interface StageClock {
  StageClock NONE = (stage, nanos) -> {};

  void record(Stage stage, long nanos);

  /** Runs {@code work} and records its duration under {@code stage}, also when it throws. */
  default <T> T time(Stage stage, Supplier<T> work) {
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      record(stage, System.nanoTime() - start);
    }
  }

  /** Records the time since {@code startNanos} (a {@link System#nanoTime()}) under {@code stage}. */
  default void since(Stage stage, long startNanos) {
    record(stage, System.nanoTime() - startNanos);
  }
}
