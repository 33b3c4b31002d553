package dev.l2caf.service;

import java.lang.management.ManagementFactory;

/** This worker's name in completion events: host and process id. */
final class Workers {
  private Workers() {}

  static String name() {
    return ManagementFactory.getRuntimeMXBean().getName();
  }
}
