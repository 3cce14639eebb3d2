package org.attnflow.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.models.RunDirectory;

/** The options of commands that work on a trained run: the run directory and which checkpoint. */
final class RunOptions {
  private RunOptions() {}

  /** --checkpoint best|latest|FILE and --plugins. */
  static Options add(Options options) {
    return options
        .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("best|latest|FILE")
            .desc("which checkpoint of the run (default best)").build())
        .addOption(CommonOptions.plugins());
  }

  /** The run directory given as the positional argument. */
  static RunDirectory run(CommandLine line) {
    return new RunDirectory(Path.of(CommonOptions.positional(line, "RUN_DIR"))).requireExisting();
  }

  /** The checkpoint chosen with --checkpoint. */
  static Path checkpoint(CommandLine line, RunDirectory dir) {
    String which = line.getOptionValue("checkpoint", "best");
    switch (which) {
      case "best":
        return java.nio.file.Files.exists(dir.best()) ? dir.best() : dir.latest();
      case "latest":
        return dir.latest();
      default:
        return Path.of(which);
    }
  }
}
