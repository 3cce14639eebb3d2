package org.attnflow.cli.common;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.FlowException;
import org.attnflow.models.run.RunDirectory;

/** The options of commands that work on a trained run: the run directory and which checkpoint. */
public final class RunOptions {
  private RunOptions() {}

  /** --checkpoint best|latest|FILE and --plugins. */
  public static Options add(Options options) {
    return options
        .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("best|latest|FILE")
            .desc("which checkpoint of the run (default best)").build())
        .addOption(CommonOptions.plugins());
  }

  /** The run directory given as the positional argument. */
  public static RunDirectory run(CommandLine line) {
    return new RunDirectory(Path.of(CommonOptions.positional(line, "RUN_DIR"))).requireExisting();
  }

  /**
   * The checkpoint chosen with --checkpoint: {@code best} (the default; the newest when the run
   * has no best yet), {@code latest} (the newest valid checkpoint of any kind, so that a run
   * killed between checkpoints is read at its last numbered one) or a file.
   */
  public static Path checkpoint(CommandLine line, RunDirectory dir) {
    String which = line.getOptionValue("checkpoint", "best");
    if (which.equals("best") && Files.exists(dir.best())) {
      return dir.best();
    }
    if (which.equals("best") || which.equals("latest")) {
      return dir.newestCheckpoint(warning -> {})
          .orElseThrow(() -> new FlowException(dir.root() + " holds no valid checkpoint"));
    }
    return Path.of(which);
  }
}
