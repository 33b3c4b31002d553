package dev.l2caf.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a raw request record turned out to be. */
public sealed interface ParseResult {
  /** Valid: to be explained. */
  record Accepted(ExplainRequest request) implements ParseResult {}

  /** Has a valid id but invalid fields: answered with an error completion event. */
  record Rejected(String id, ErrorCode code, String message, ObjectNode metadata) implements ParseResult {}

  /** Not JSON or no valid id: nothing to answer to, so the record goes to the dead-letter topic. */
  record DeadLetter(String reason) implements ParseResult {}
}
