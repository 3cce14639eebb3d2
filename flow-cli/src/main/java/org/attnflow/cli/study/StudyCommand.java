package org.attnflow.cli.study;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.FlowException;
import org.attnflow.api.config.Settings;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.data.DataPipelines;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.config.TrainSettings;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.study.FidPoint;
import org.attnflow.models.study.FidSettings;
import org.attnflow.models.study.RunMetrics;
import org.attnflow.models.study.RunResult;
import org.attnflow.models.study.StudyFile;
import org.attnflow.models.study.StudyReport;

/**
 * Runs a seeded study (docs/studies.md): every configuration of a study file once per seed, each
 * in its own run directory, then writes {@code study.csv} and {@code study.md} with the statistics
 * over seeds and the paired differences against the baseline. Rerun, it skips finished runs and
 * resumes unfinished ones. Exits 1 when a run failed, after writing the tables.
 */
public final class StudyCommand extends Command {

  public StudyCommand() {
    super("study",
        "STUDY.conf [--parallel K] [--out DIR] [--plugins DIR]",
        "train configurations × seeds, then compare them with a baseline over seeds (study.csv, study.md)");
  }

  @Override
  public Options options() {
    return CommonOptions.base()
        .addOption(Option.builder().longOpt("parallel").hasArg().argName("K")
            .desc("runs trained at once, the engine threads (OMP_NUM_THREADS, else every core) split between them (default 1)").build())
        .addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
            .desc("the study's directory (default runs/<study name>)").build())
        .addOption(CommonOptions.plugins());
  }

  @Override
  public int run(CommandLine line, PrintStream out) throws InterruptedException {
    Path file = Path.of(CommonOptions.positional(line, "STUDY.conf file"));
    int parallel = CommonOptions.integerAtLeast(line, "parallel", 1, 1);
    StudyFile study = StudyFile.load(file);
    Path root = Path.of(line.getOptionValue("out", Path.of("runs", study.name()).toString()));
    List<StudyRun> runs = plan(study, root, CommonOptions.pluginDir(line));
    int machineThreads = ChildJvm.machineThreads();
    int threads = Math.max(1, machineThreads / parallel);
    out.printf("study %s: %d runs in %s, %d at a time with %d engine thread%s each%n",
        study.name(), runs.size(), root, parallel, threads, threads == 1 ? "" : "s");

    StudyTrainer trainer = new StudyTrainer(parallel, threads, out);
    Map<StudyRun, StudyTrainer.Outcome> outcomes = trainer.train(runs);
    if (trainer.stopped()) {
      throw new FlowException("the study was stopped; run it again to resume its unfinished runs");
    }
    FidScoring scoring = study.fid().map(fid -> new FidScoring(fid, machineThreads)).orElse(null);
    List<RunResult> results = new ArrayList<>();
    for (StudyRun run : runs) {
      results.add(result(run, outcomes.get(run), scoring, out));
    }
    StudyReport report = new StudyReport(study, results, scoring != null ? scoring.metric() : null, RunMeasurement.METHOD);
    report.write(root);
    out.print(report.markdown());
    out.println("wrote " + root.resolve("study.csv") + " and " + root.resolve("study.md"));
    long failed = results.stream().filter(r -> !r.finished()).count();
    long troubled = results.stream().filter(r -> r.finished() && !r.note().isEmpty()).count();
    if (failed + troubled > 0) {
      throw new FlowException(failed + " of " + results.size() + " runs failed" + (troubled > 0 ? " and " + troubled
          + " finished with a problem" : "") + "; see " + root.resolve("study.md"));
    }
    return 0;
  }

  /**
   * The runs, seed by seed (so that a partial study already holds paired runs), each
   * configuration checked first with the seed's overrides: it must load and evaluate at its last
   * step, and all must model the same noisy data (one {@code data.noise}), since bits/dim under
   * Gaussian noise does not compare with bits/dim under uniform dequantisation; denoised FD needs
   * Gaussian noise.
   */
  private static List<StudyRun> plan(StudyFile study, Path root, Optional<Path> plugins) {
    List<StudyRun> runs = new ArrayList<>();
    Map<String, String> noise = new LinkedHashMap<>();
    boolean denoise = study.fid().map(FidSettings::denoise).orElse(false);
    for (long seed : study.seeds()) {
      for (Map.Entry<String, Path> c : study.configs().entrySet()) {
        List<String> overrides = study.overrides(seed);
        RunConfig config = RunConfig.load(c.getValue(), overrides);
        TrainSettings t = TrainSettings.of(config.block("train"));
        if (!t.evaluatesAt(t.steps())) {
          throw new FlowException(c.getValue() + ": train.eval-every is 0: a study reads each run's test bits/dim"
              + " at its last step, so its configurations must evaluate");
        }
        Settings data = config.block("data");
        String noiseKind = DataPipelines.noiseDescription(data);
        noise.put(c.getKey(), noiseKind);
        if (denoise && DataPipelines.gaussianSigma(data).isEmpty()) {
          throw new FlowException(study.file() + ": fid.denoise = true, but " + c.getKey() + " is trained with "
              + noiseKind + "; denoising needs data.noise { type = gaussian }");
        }
        Path dir = StudyFile.runDirectory(root, c.getKey(), seed);
        runs.add(new StudyRun(c.getKey(), seed, c.getValue(), new RunDirectory(dir), overrides, plugins));
      }
    }
    if (new HashSet<>(noise.values()).size() > 1) {
      throw new FlowException("the configurations model differently noised data (" + noise.entrySet().stream()
          .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "))
          + "): their bits/dim do not compare, so one study cannot pair them; study them apart");
    }
    return runs;
  }

  /** What the run gave: its test bits/dim and throughput, its measurements and scores, or why it failed. */
  private static RunResult result(StudyRun run, StudyTrainer.Outcome outcome, FidScoring scoring, PrintStream out)
      throws InterruptedException {
    if (!outcome.finished()) {
      return RunResult.failed(run.config(), run.seed(), outcome.steps(), outcome.note());
    }
    List<String> problems = new ArrayList<>();
    Map<FidPoint, Double> fd = new LinkedHashMap<>();
    if (scoring != null) {
      out.println(run.label() + ": scoring samples with fid");
      scoring.score(run, problems).forEach((point, score) -> fd.put(point, score.score()));
    }
    RunMetrics metrics = RunMetrics.read(run.dir().metrics());
    RunMetrics.TestRow last = metrics.tests().get(outcome.steps());
    RunMeasurement measured;
    try {
      measured = RunMeasurement.of(run.dir(), run.plugins());
    } catch (FlowException e) {
      measured = new RunMeasurement(-1, Double.NaN, "cannot load the run to measure it: " + e.getMessage());
    }
    if (!measured.problem().isEmpty()) {
      problems.add(measured.problem());
    }
    return new RunResult(run.config(), run.seed(), true, outcome.steps(), last.bpd(), last.ci95(),
        metrics.medianTrainImagesPerSecond(), measured.sampleImagesPerSecond(), measured.parameters(), fd,
        String.join("; ", problems));
  }
}
