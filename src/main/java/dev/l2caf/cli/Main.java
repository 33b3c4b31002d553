package dev.l2caf.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code l2caf} command line: one subcommand per job. */
@Command(
    name = "l2caf",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Visual explanations of CNN image classifications with L2-CAF (Taha et al., ECCV 2020).",
    subcommands = {ExplainCommand.class, DemoCommand.class, WorkerCommand.class, SubmitCommand.class, BenchCommand.class,
        EvalCommand.class, SoakCommand.class, ModelsCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  java -jar target/l2caf.jar models pull",
        "  java -jar target/l2caf.jar demo",
        "  java -jar target/l2caf.jar explain samples/dog.jpg",
        "  java -jar target/l2caf.jar explain samples/ --top-k 3 --json > explanations.jsonl",
        "  java -jar target/l2caf.jar bench"})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (0 ok, 1 some inputs failed, 2 usage or setup error). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line (tests redirect its output with setOut/setErr). */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setExecutionExceptionHandler(new ErrorHandler());
  }
}
