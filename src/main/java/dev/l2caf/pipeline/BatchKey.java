package dev.l2caf.pipeline;

import dev.l2caf.engine.ExplainOptions;

/** Requests with equal keys are explained in one engine call. */
public record BatchKey(String model, ExplainOptions.PlanKey plan) {
  public static BatchKey of(ExplainRequest r) {
    return new BatchKey(r.model(), r.options().planKey());
  }
}
