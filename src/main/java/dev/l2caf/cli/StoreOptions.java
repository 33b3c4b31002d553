package dev.l2caf.cli;

import dev.l2caf.config.ModelStoreSettings;
import dev.l2caf.config.ServiceConfig;
import dev.l2caf.model.store.ModelCatalog;
import dev.l2caf.model.store.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where model names resolve: {@code --models}, else L2CAF_MODELS / the {@code models} config key, else the default. */
final class StoreOptions {
  @Option(names = "--models", paramLabel = "DIR", description = "Model store folder (default: $L2CAF_MODELS, else the"
      + " 'models' key of config/application.yaml, else " + ModelStoreSettings.DEFAULT_STORE + ").")
  Path store;

  @Option(names = "--mirror", paramLabel = "DIR|URL", description = "A folder or http(s) base URL to look in before"
      + " the configured mirrors and the publishers' URLs (repeatable).")
  List<String> mirrors = new ArrayList<>();

  ModelStore open() {
    return open(WorkerCommand.load(null));
  }

  ModelStore open(ServiceConfig config) {
    List<String> allMirrors = new ArrayList<>(mirrors);
    allMirrors.addAll(config.models().mirrors());
    return new ModelStore(store != null ? store : config.models().store(), allMirrors, ModelCatalog.shipped());
  }
}
