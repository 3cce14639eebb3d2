package org.attnflow.cli.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.api.FlowException;
import org.attnflow.api.Frozen;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.Json;
import org.attnflow.cli.common.Session;
import org.attnflow.cli.common.UsageException;
import org.attnflow.cli.workers.WarningPrinter;
import org.attnflow.cli.workers.WorkerLauncher;
import org.attnflow.cli.workers.WorkerOptions;
import org.attnflow.models.Evaluation;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.Sampler;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.training.GradientAverager;
import org.attnflow.models.training.Trainer;
import org.attnflow.models.training.TrainingListener;

/**
 * Measures a workload of docs/benchmarks.md through the same code paths as a user's run: training
 * throughput (median over steps 10–60), sampling throughput (10 batches of 64 at T = 0.7), peak
 * memory and native memory growth from step 100 to the end, the parameter count, and with
 * {@code --eval} the test bits/dim over the full test set after the given number of steps. Prints
 * one JSON object and a table. With {@code --take-turns} it alternates with the PyTorch reference
 * step by step and batch by batch ({@link Turns}); the sampling figure is then the summed time of
 * the 10 batches, each timed on its own turn. After the timed steps and batches, a few more run under
 * the engine's profiler ({@link EngineCount}) for the engine calls per step and per sampling batch
 * and the share of their wall time spent outside the engine's operators. With {@code --workers N}
 * it trains data-parallel in N worker processes as {@code train --workers} does (docs/distributed.md):
 * rank 0 measures and prints the figures, of the global batch, and every worker prints its time in
 * the all-reduce per step; with {@code --take-turns} too, rank 0 takes the turns and the others
 * start every step with it, and rank 0 samples alone.
 */
public final class BenchCommand extends Command {
  private static final int SAMPLE_BATCHES = 10;
  private static final int SAMPLE_BATCH = 64;
  private static final double SAMPLE_TEMPERATURE = 0.7;
  /** Engine calls are counted over these steps (1-based, inclusive), after the timed ones (10–60). */
  private static final int COUNTED_FIRST = 61;
  private static final int COUNTED_LAST = 63;

  public BenchCommand() {
    super("bench",
        "CONFIG --steps N [--eval] [--profile TRACE.json] [--take-turns DIR] [--out RUN_DIR] [--set key=value]..."
            + " [--workers N | --rank R --world N --tracker HOST:PORT]",
        "measure a benchmark workload: throughput, memory, parameters and (with --eval) test bits/dim");
  }

  @Override
  public Options options() {
    return WorkerOptions.add(CommonOptions.withConfig(CommonOptions.base()))
        .addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("training steps (at least " + COUNTED_LAST + ")").build())
        .addOption(Option.builder().longOpt("eval").desc("evaluate test bits/dim on the full test set at the end").build())
        .addOption(Option.builder().longOpt("profile").hasArg().argName("TRACE.json")
            .desc("keep the engine's operator trace of the counted steps " + COUNTED_FIRST + "–" + COUNTED_LAST
                + " (Chrome trace format), and of the counted sampling batch in TRACE-sampling.json").build())
        .addOption(Option.builder().longOpt("take-turns").hasArg().argName("DIR")
            .desc("take turns with the PyTorch reference step by step and batch by batch through the pipes in DIR"
                + " (bench/side-by-side.sh sets this up)").build())
        .addOption(Option.builder().longOpt("out").hasArg().argName("RUN_DIR").desc("run directory (default: a temporary one, deleted)").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) throws IOException {
    Path file = Path.of(CommonOptions.positional(line, "CONFIG file"));
    int steps = CommonOptions.integerAtLeast(line, "steps", 0, COUNTED_LAST);
    if (!line.hasOption("steps")) {
      throw new UsageException("give the number of training steps with --steps N (at least " + COUNTED_LAST + ")");
    }
    int workers = WorkerOptions.workers(line);
    if (workers > 1) {
      WorkerLauncher.run(WorkerOptions.workerArgs("bench", line, Set.of()), workers, out);
      return 0;
    }
    boolean eval = line.hasOption("eval");
    List<String> overrides = new ArrayList<>(CommonOptions.overrides(line));
    overrides.addAll(List.of("train.steps = " + steps, "train.eval-at-start = false",
        "train.eval-every = " + (eval ? steps : 0), "train.eval-limit = 0", "train.eval-batch-size = 500",
        "train.sample-temperatures = []", "train.checkpoint-every = 0", "train.save-every = 0", "train.log-every = " + steps));
    RunConfig config = RunConfig.load(file, overrides);
    boolean temporary = !line.hasOption("out");
    RunDirectory dir = new RunDirectory(temporary ? Files.createTempDirectory("attnflow-bench") : Path.of(line.getOptionValue("out")));
    Path trace = line.hasOption("profile") ? Path.of(line.getOptionValue("profile")) : null;
    Path turnsDir = line.hasOption("take-turns") ? Path.of(line.getOptionValue("take-turns")) : null;
    // Joining first lets rank 0 start the tracker before the engine loads, so the others wait less.
    GradientAverager averager = WorkerOptions.join(line);
    // Rank 0 alone takes the turns; the others start every step with it, so none computes in the reference's turn.
    Runnable together = turnsDir != null && averager.workers() > 1 ? averager::barrier : () -> {};
    try (Turns turns = new Turns(averager.rank() == 0 ? turnsDir : null)) {
      Session session = Session.ofConfig(config, CommonOptions.pluginDir(line));
      Measurements m = new Measurements(session.run().train().seed(), session.run().train().batchSize(), trace, turns, together, out);
      TrainingListener listener = averager.rank() == 0 ? m : new StepTurns(turns, together, out);
      Optional<Evaluation> e = session.get(Trainer.class).train(session.run(), dir, false, listener, averager);
      averager.close();
      if (averager.rank() != 0) {
        return 0;
      }
      String workload = file.getFileName().toString().replaceFirst("\\.conf$", "");
      Map<String, Object> result = m.result(workload, steps, e);
      result.put("workers", averager.workers());
      out.println(Json.object(result));
      out.println();
      result.forEach((k, v) -> out.printf(Locale.ROOT, "  %-24s %s%n", k, v));
      return 0;
    } finally {
      if (temporary) {
        deleteTree(dir.root());
      }
    }
  }

  /**
   * The turns of the training steps: before the initialisation and before every later step this
   * worker waits for its turn ({@link Turns}; rank 0's alone, the others' take nothing) and then
   * for the other workers ({@code together}, a barrier when several workers take turns), so that
   * no worker computes during the reference's turn. It is every worker's listener but rank 0's,
   * which measures on top of it ({@link Measurements}).
   */
  private static class StepTurns implements TrainingListener {
    final Turns turns;
    private final Runnable together;
    private final WarningPrinter warnings;
    long lastStep;

    StepTurns(Turns turns, Runnable together, PrintStream out) {
      this.turns = turns;
      this.together = together;
      this.warnings = new WarningPrinter(out);
    }

    @Override
    public void warned(String message) {
      warnings.warned(message);
    }

    @Override
    public void started(long firstStep, long lastStepOfRun, FlowModel flow) {
      lastStep = lastStepOfRun;
      turns.take();
      together.run();
    }

    @Override
    public void stepped(long step, double bpd, double imagesPerSecond) {
      if (step < lastStep) {
        passTurn();
      }
    }

    /** Hands the turn on, and starts the next step on this worker's next turn, together with the others. */
    final void passTurn() {
      turns.give();
      turns.take();
      together.run();
    }
  }

  /** Collects the figures as training goes. */
  private static final class Measurements extends StepTurns {
    private final long seed;
    private final int batchSize;
    private final Path trace;
    private final List<Double> throughput = new ArrayList<>();
    private FlowModel model;
    private double rssAt100 = Double.NaN;
    private double rssAtEnd;
    private double sampleImagesPerSecond = Double.NaN;
    private String sampleError;
    private EngineCount stepCount;
    private EngineCount.Figures stepFigures;
    private EngineCount.Figures sampleFigures;

    Measurements(long seed, int batchSize, Path trace, Turns turns, Runnable together, PrintStream out) {
      super(turns, together, out);
      this.seed = seed;
      this.batchSize = batchSize;
      this.trace = trace;
    }

    @Override
    public void started(long firstStep, long lastStepOfRun, FlowModel flow) {
      model = flow;
      super.started(firstStep, lastStepOfRun, flow);
    }

    @Override
    public void stepped(long step, double bpd, double imagesPerSecond) {
      if (stepCount != null) {
        stepCount.add(batchSize / imagesPerSecond);
        if (step == COUNTED_LAST) {
          stepFigures = stepCount.stop();
          stepCount = null;
        }
      } else if (step == COUNTED_FIRST - 1) {
        stepCount = new EngineCount(trace);
      }
      if (step >= 10 && step <= 60) {
        throughput.add(imagesPerSecond);
      }
      if (step == 100) {
        rssAt100 = Memory.residentMb();
      }
      if (step < lastStep) {
        passTurn();
        return;
      }
      rssAtEnd = Memory.residentMb();
      try {
        sampleImagesPerSecond = timeSampling();
      } catch (FlowException e) {
        // a model whose inverse breaks down (the paper's iTrans overflows) still gets its other figures
        sampleError = e.getMessage();
      }
      turns.close();
    }

    private double timeSampling() {
      try (NDManager manager = NDManager.newBaseManager(); Frozen frozen = model.freeze()) {
        Sampler.sample(model, manager, SAMPLE_BATCH, SAMPLE_TEMPERATURE, seed);
        long nanos = 0;
        for (int i = 0; i < SAMPLE_BATCHES; i++) {
          turns.give();
          turns.take();
          long begin = System.nanoTime();
          Images images = Sampler.sample(model, manager, SAMPLE_BATCH, SAMPLE_TEMPERATURE, seed + 1 + i);
          nanos += System.nanoTime() - begin;
          if (images.count() != SAMPLE_BATCH) {
            throw new FlowException("sampling returned " + images.count() + " images");
          }
        }
        EngineCount count = new EngineCount(EngineCount.sibling(trace, "sampling"));
        long begin = System.nanoTime();
        Sampler.sample(model, manager, SAMPLE_BATCH, SAMPLE_TEMPERATURE, seed);
        count.add((System.nanoTime() - begin) / 1e9);
        sampleFigures = count.stop();
        return SAMPLE_BATCHES * SAMPLE_BATCH / (nanos / 1e9);
      }
    }

    Map<String, Object> result(String workload, long steps, Optional<Evaluation> evaluation) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("workload", workload);
      r.put("date", LocalDate.now().toString());
      r.put("steps", steps);
      r.put("train_images_per_s", round(median(throughput), 1));
      r.put("sample_images_per_s", round(sampleImagesPerSecond, 1));
      if (sampleError != null) {
        r.put("sample_error", sampleError);
      }
      r.put("test_bpd", evaluation.map(e -> round(e.bpd(), 4)).orElse(null));
      r.put("test_bpd_ci95", evaluation.map(e -> round(e.ci95(), 4)).orElse(null));
      r.put("test_bpd_noise", evaluation.map(Evaluation::noise).orElse(null));
      r.put("peak_rss_mb", round(Memory.peakResidentMb(), 1));
      r.put("native_growth_mb", Double.isNaN(rssAt100) ? null : round(rssAtEnd - rssAt100, 1));
      r.put("parameters", model.freeParameterCount());
      r.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "engine default"));
      r.put("engine_calls_per_step", stepFigures == null ? null : round(stepFigures.callsPerUnit(), 1));
      r.put("outside_kernel_share", stepFigures == null ? null : round(stepFigures.outsideShare(), 3));
      r.put("engine_calls_per_sample_batch", sampleFigures == null ? null : round(sampleFigures.callsPerUnit(), 1));
      r.put("sample_outside_kernel_share", sampleFigures == null ? null : round(sampleFigures.outsideShare(), 3));
      return r;
    }

    private static double median(List<Double> values) {
      List<Double> sorted = new ArrayList<>(values);
      sorted.sort(null);
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double round(double v, int digits) {
      if (!Double.isFinite(v)) {
        return v;
      }
      double f = Math.pow(10, digits);
      return Math.round(v * f) / f;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
