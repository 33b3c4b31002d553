package dev.l2caf.image;

/** Channel order a model expects in its input tensor. */
public enum ChannelOrder {
  RGB,
  BGR
}
