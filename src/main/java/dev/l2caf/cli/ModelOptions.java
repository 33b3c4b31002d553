package dev.l2caf.cli;

import dev.l2caf.config.ServiceConfig;
import dev.l2caf.model.store.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --model NAME|DIR} and {@code --models DIR}: which model a command loads, and from which store. */
final class ModelOptions {
  @Option(names = "--model", paramLabel = "NAME|DIR", description = "Model: a name in the model store (see 'models"
      + " list') or a folder with a model.yaml (default: the worker.model setting, mobilenet-v2-100-224).")
  String model;

  @Mixin
  StoreOptions storeOptions;

  /** The model's folder; a missing model fails with the store's message (how to get it). */
  Path folder() {
    ServiceConfig config = WorkerCommand.load(null);
    return storeOptions.open(config).resolve(model != null ? model : config.worker().model());
  }

  ModelStore store() {
    return storeOptions.open();
  }
}
