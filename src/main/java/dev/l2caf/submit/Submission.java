package dev.l2caf.submit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One request to publish; {@code source} says where its image came from, for people. */
public record Submission(String id, ObjectNode request, String source) {}
