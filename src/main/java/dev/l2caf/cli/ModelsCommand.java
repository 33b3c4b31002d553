package dev.l2caf.cli;

import dev.l2caf.model.store.ModelCatalog;
import dev.l2caf.model.store.ModelStore;
import dev.l2caf.model.store.PullListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code l2caf models list|pull|import}: the model store. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "The model store: models by name, outside git. Names resolve in the store folder (--models DIR, else",
      "$L2CAF_MODELS, else the 'models' config key, else ~/.cache/l2caf/models); the catalog shipped with",
      "l2caf lists each known model's files with their SHA-256, download URLs and licence."},
    subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.PullCommand.class, ModelsCommand.ImportCommand.class},
    footer = {"", "Examples:",
        "  models list",
        "  models pull mobilenet-v2-100-224",
        "  models import ~/Downloads/tf2_mobilenet_v2_1.0_224_ptq.tflite --name mobilenet-v2-100-224",
        "  models import ./my-model            (a folder with a model.yaml)"})
final class ModelsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the catalog's models and the store's, with what is present and verified (SHA-256).")
  static final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ModelStore store = storeOptions.open();
      out.println("model store: " + store.root());
      out.printf("%-24s %-11s %9s  %-10s %s%n", "name", "state", "size", "licence", "description");
      for (ModelStore.Listing row : store.list()) {
        String size = row.catalogEntry().map(e -> String.format("%.1f MB", e.totalBytes() / 1e6)).orElse("-");
        String licence = row.catalogEntry().map(ModelCatalog.Entry::licence).orElse("-");
        String description = row.catalogEntry().map(ModelCatalog.Entry::description).orElse(row.folder().toString());
        out.printf("%-24s %-11s %9s  %-10s %s%n", row.name(), row.state().name().toLowerCase(), size, licence,
            description + (row.detail().isEmpty() ? "" : " (" + row.detail() + ")"));
      }
      out.println("verified: every file matches the catalog's SHA-256; get a missing model with 'models pull NAME'.");
      return 0;
    }
  }

  @Command(name = "pull", mixinStandardHelpOptions = true,
      description = {"Downloads catalog models into the store: each file from the first mirror or URL that has it,",
          "checked against the catalog's size and SHA-256 (a mismatch is refused); files already verified are kept."},
      footer = {"", "Exit status: 0 every model pulled, 2 a model unknown or no source had a verified copy."})
  static final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storeOptions;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Catalog models (default: the default model).")
    List<String> names;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      var config = WorkerCommand.load(null);
      ModelStore store = storeOptions.open(config);
      List<String> wanted = names == null || names.isEmpty() ? List.of(config.worker().model()) : names;
      for (String name : wanted) {
        try (Progress progress = new Progress(err, quiet)) {
          Path folder = store.pull(name, progress);
          out.println(name + ": verified in " + folder);
          out.flush();
        }
      }
      return 0;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Adds a model to the store without a network: a folder with a model.yaml (copied whole), or",
          "a catalog model's files (one file or a folder of them, recognised by their SHA-256)."})
  static final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storeOptions;

    @Parameters(paramLabel = "PATH", description = "A file or folder.")
    Path path;

    @Option(names = "--name", paramLabel = "NAME", description = "The model to import into (default: the folder's"
        + " model.yaml name, else every catalog model the files belong to).")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      boolean complete = true;
      for (ModelStore.Imported imported : storeOptions.open().importFrom(path, name)) {
        out.println(imported.name() + ": imported " + String.join(", ", imported.files()) + " into " + imported.folder()
            + (imported.complete() ? "" : "; still missing " + String.join(", ", imported.missing())));
        complete &= imported.complete();
      }
      return complete ? 0 : 1;
    }
  }

  /** One progress bar per file, in kilobytes, on stderr. */
  private static final class Progress implements PullListener, AutoCloseable {
    private final PrintWriter err;
    private final boolean quiet;
    private ProgressBar bar;

    Progress(PrintWriter err, boolean quiet) {
      this.err = err;
      this.quiet = quiet;
    }

    @Override
    public void fileStarted(ModelCatalog.FileEntry file, String source) {
      close();
      if (!quiet) {
        err.println(file.name() + " <- " + source);
        bar = ProgressBars.on(err, file.name(), (int) Math.max(1, file.size() / 1024));
      }
    }

    @Override
    public void bytes(long bytes) {
      if (bar != null) {
        bar.stepBy(bytes / 1024.0 > 0 ? Math.round(bytes / 1024.0) : 0);
      }
    }

    @Override
    public void sourceFailed(ModelCatalog.FileEntry file, String source, String reason) {
      if (bar != null) {
        bar.close();
        err.println();
        bar = null;
      }
      err.println("  " + source + " failed: " + reason);
      err.flush();
    }

    @Override
    public void fileDone(ModelCatalog.FileEntry file, boolean cached) {
      close();
      if (cached && !quiet) {
        err.println(file.name() + ": already in the store, verified");
        err.flush();
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.stepTo(bar.getMax());
        bar.close();
        err.println();
        err.flush();
        bar = null;
      }
    }
  }
}
