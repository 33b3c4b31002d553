package dev.l2caf.soak;

import java.util.List;

/**
 * What {@code soak --chaos} did to the service and what it cost.
 *
 * @param seed the seed the faults' moments were drawn from ({@code --seed} replays them)
 * @param repeatsOfCommitted repeated requests that were already committed when every earlier fault began:
 *     must be 0, only a request a fault caught in flight may be answered twice
 */
public record ChaosReport(long seed, List<Fault> faults, int repeatsOfCommitted) {
  /**
   * @param atCompletions the number of answered requests that triggered it
   * @param atSeconds when it began, from the first request sent
   * @param seconds how long it lasted (down time, or stopping one worker and starting the next)
   */
  public record Fault(String kind, int atCompletions, double atSeconds, double seconds) {}
}
