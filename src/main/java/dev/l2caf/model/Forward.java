package dev.l2caf.model;

/** One backbone run over a batch: the logits of every image and the feature maps of the asked layer. */
public record Forward(float[][] logits, FeatureMap features) {}
