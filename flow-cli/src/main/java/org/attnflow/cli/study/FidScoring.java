package org.attnflow.cli.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attnflow.api.FlowException;
import org.attnflow.models.run.AtomicFiles;
import org.attnflow.models.study.FidPoint;
import org.attnflow.models.study.FidScore;
import org.attnflow.models.study.FidSettings;

/**
 * Scores a finished run of a study with {@code attnflow fid --json} in a child JVM, once per
 * temperature (and once more with {@code --denoise} when the study asks), on the run's newest
 * checkpoint and with the run's seed as the sampling seed, so that a denoised score and its plain
 * one denoise the same samples. Each score's JSON is kept in the run directory ({@code fid-t0.7.json},
 * {@code fid-t1.0-denoised.json}) and reused while it matches
 * the study's fid block and is newer than the run's checkpoints; the command's warnings go to
 * {@code fid.log}.
 */
public final class FidScoring {
  private final FidSettings settings;
  private final int threads;
  private String metric;

  /** Scores as {@code settings} ask, each child with {@code threads} engine threads. */
  public FidScoring(FidSettings settings, int threads) {
    this.settings = settings;
    this.threads = threads;
  }

  /**
   * The scores of {@code run}; a failure is added to {@code problems} and leaves that score out.
   */
  public Map<FidPoint, FidScore> score(StudyRun run, List<String> problems) throws InterruptedException {
    Map<FidPoint, FidScore> scores = new LinkedHashMap<>();
    for (FidPoint point : settings.points()) {
      try {
        FidScore score = score(run, point);
        metric = score.metric();
        scores.put(point, score);
      } catch (FlowException e) {
        problems.add("fid at " + point.label() + " failed: " + e.getMessage());
      }
    }
    return scores;
  }

  /** The metric's name as the fid command gave it ({@code FID} or {@code FD_<network>}); null before the first score. */
  public String metric() {
    return metric;
  }

  private FidScore score(StudyRun run, FidPoint point) throws InterruptedException {
    Path json = run.dir().root().resolve(point.fileName());
    if (Files.isRegularFile(json) && newerThanCheckpoints(json, run)) {
      FidScore kept = FidScore.parse(read(json), json);
      if (kept.matches(settings, point)) {
        return kept;
      }
    }
    List<String> args = new ArrayList<>(List.of("fid", run.dir().root().toString(), "--json",
        "--features", settings.features().toString(), "--n", Integer.toString(settings.n()),
        "--temperature", Double.toString(point.temperature()), "--reference", settings.reference(),
        "--checkpoint", "latest", "--seed", Long.toString(run.seed())));
    if (point.denoised()) {
      args.add("--denoise");
    }
    run.plugins().ifPresent(dir -> args.addAll(List.of("--plugins", dir.toString())));
    Path log = run.dir().root().resolve("fid.log");
    Process child = ChildJvm.start(args, threads, new ProcessBuilder()
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())));
    String output;
    try {
      output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new FlowException("cannot read the output of " + ChildJvm.describe(args) + ": " + e.getMessage(), e);
    }
    int status = child.waitFor();
    if (status != 0) {
      throw new FlowException("exit status " + status + ": " + StudyTrainer.lastLine(log));
    }
    FidScore score = FidScore.parse(output, json);
    AtomicFiles.writeString(json, output + "\n");
    return score;
  }

  private static boolean newerThanCheckpoints(Path file, StudyRun run) {
    try {
      FileTime written = Files.getLastModifiedTime(file);
      for (Path checkpoint : run.dir().checkpoints()) {
        if (Files.getLastModifiedTime(checkpoint).compareTo(written) > 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new FlowException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
