package dev.l2caf.cli;

import dev.l2caf.engine.ExplainException;
import dev.l2caf.image.ImageException;
import dev.l2caf.model.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Known failures print one clear line and exit 2; anything else is a bug and keeps its stack trace. */
final class ErrorHandler implements IExecutionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof ModelException || e instanceof ExplainException || e instanceof ImageException
        || e instanceof IllegalArgumentException || e instanceof UsageException
        || e instanceof dev.l2caf.config.ConfigException) {
      cmd.getErr().println("error: " + e.getMessage());
      return 2;
    }
    log.error("unexpected failure", e);
    cmd.getErr().println("error: unexpected failure: " + e);
    return 3;
  }

  /** A problem with the command line that picocli's own checks cannot see (e.g. a missing file). */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
