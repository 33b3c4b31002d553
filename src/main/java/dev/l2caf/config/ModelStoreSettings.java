package dev.l2caf.config;

import static dev.l2caf.config.ConfigDef.Type.LIST;
import static dev.l2caf.config.ConfigDef.Type.STRING;
import static dev.l2caf.config.Validators.nonBlank;

import dev.l2caf.config.ConfigDef.Validator;

import java.nio.file.Path;
import java.util.List;

/**
 * Where models named in requests and on the command line are found ({@code store}) and where {@code models
 * pull} looks before the publishers' URLs ({@code mirrors}: folders or http(s) base URLs).
 */
public record ModelStoreSettings(Path store, List<String> mirrors) {
  /** The store folder; its environment variable is {@code L2CAF_MODELS}. */
  public static final String STORE = "models";
  public static final String MIRRORS = "model-mirrors";
  public static final String DEFAULT_STORE = "~/.cache/l2caf/models";

  public ModelStoreSettings {
    mirrors = List.copyOf(mirrors);
  }

  static void define(ConfigDef def) {
    def.define(STORE, STRING, DEFAULT_STORE, nonBlank(),
            "Model store: the folder where model names resolve (models/<name>/), filled by `l2caf models pull`"
                + " or `models import`; a leading ~ is the user's home.")
        .define(MIRRORS, LIST, List.of("../shared/models"), Validator.ANY,
            "Folders (searched two levels deep for each file) or http(s) base URLs that `models pull` tries before"
                + " the publishers' URLs; every file is checked against the catalog's SHA-256 wherever it comes from."
                + " Missing folders are skipped.");
  }

  static ModelStoreSettings from(ConfigDef.Values values) {
    return new ModelStoreSettings(expandHome(values.string(STORE)), values.list(MIRRORS));
  }

  /** {@code ~/x} is the user's home + x, as a shell would read it. */
  public static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(path.substring(Math.min(2, path.length())));
    }
    return Path.of(path);
  }
}
