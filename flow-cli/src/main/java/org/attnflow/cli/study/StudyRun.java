package org.attnflow.cli.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.config.TrainSettings;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.study.RunProgress;

/**
 * One run of a study: a configuration trained with one seed in its own directory, and the
 * {@code train} command line that starts or resumes it.
 *
 * @param config the configuration's name
 * @param seed the seed
 * @param file the configuration file
 * @param dir the run directory
 * @param overrides the study's overrides and the seed's, applied when it starts and when it resumes
 * @param plugins the plugin folder given to the study, when given
 */
public record StudyRun(String config, long seed, Path file, RunDirectory dir, List<String> overrides, Optional<Path> plugins) {

  /** {@code config/seed-s}, as the study's output names the run. */
  public String label() {
    return config + "/seed-" + seed;
  }

  /** The run's log: the output of every {@code train} that worked on it. */
  public Path log() {
    return dir.root().resolve("train.log");
  }

  /**
   * The training steps the run must reach: those of its own {@code config.conf} when it has one
   * (a run keeps the configuration it started with), else of its configuration file, with the
   * overrides in both cases.
   */
  public long steps() {
    Path source = Files.isRegularFile(dir.config()) ? dir.config() : file;
    return TrainSettings.of(RunConfig.load(source, overrides).block("train")).steps();
  }

  /** How far the run has come. */
  public RunProgress progress() {
    return RunProgress.of(dir, steps());
  }

  /** The {@code train} arguments that start the run, or resume it when it has begun. */
  public List<String> trainArguments() {
    List<String> args = new ArrayList<>(progress() == RunProgress.NEW
        ? List.of("train", "-c", file.toString(), "--out", dir.root().toString())
        : List.of("train", "--resume", dir.root().toString()));
    for (String o : overrides) {
      args.addAll(List.of("--set", o));
    }
    if (plugins.isPresent()) {
      args.addAll(List.of("--plugins", plugins.get().toString()));
    }
    return args;
  }
}
