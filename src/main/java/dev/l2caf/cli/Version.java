package dev.l2caf.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (the build's project version). */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"l2caf " + (version == null ? "(development build)" : version)};
  }
}
