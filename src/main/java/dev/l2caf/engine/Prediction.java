package dev.l2caf.engine;

/** One of the model's top predictions: output index, label and softmax probability. */
public record Prediction(int classId, String label, float score) {}
