package org.attnflow.models.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowException;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Frozen;
import org.attnflow.api.Noise;
import org.attnflow.api.NumericalException;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.math.FlowMath;
import org.attnflow.models.Conditioning;
import org.attnflow.models.Evaluation;
import org.attnflow.models.Evaluator;
import org.attnflow.models.FlowModel;
import org.attnflow.models.Images;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.Sampler;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.config.TrainSettings;
import org.attnflow.models.run.AtomicFiles;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.KillPoint;
import org.attnflow.models.run.MetricsLog;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.run.RunLock;

/**
 * Trains a flow by maximum likelihood: minimises the mean bits/dim of training batches with Adam
 * or Adamax, a learning-rate schedule (linear warm-up, then constant, cosine or step decay),
 * gradient-norm clipping, optional decoupled weight decay and optional gradient accumulation over
 * micro-batches, after the data-dependent initialisation on the first (whole) batch. It logs
 * metrics, evaluates and samples (and, with {@code train.fid}, scores the samples) before the
 * first step and then periodically, with the moving average of the weights when
 * {@code train.ema-decay} keeps one, and keeps the latest, best and numbered checkpoints. A class-conditional
 * model's passes over a batch (initialisation, training, evaluation) are conditioned on the
 * batch's labels, and the run records the class names ({@link RunDirectory#classNamesFile}).
 *
 * <p>Nothing is lost: the run directory has one writer ({@link RunLock}); the latest checkpoint is
 * written before every evaluation, sampling and scoring, so a failure there keeps the training, and
 * at least every {@code train.save-every} of wall-clock time, so a run killed without warning loses
 * at most that much; a run resumes from its newest valid checkpoint of any kind and continues the same trajectory (the
 * data order, the noise and the dropout masks are functions of the seed and the step). A
 * diverged run (a non-finite value, or bits/dim above {@code train.divergence-bpd}) stops with
 * the first layer that went bad and keeps only checkpoints whose state was seen to be sane. A
 * training that fails says why in the run directory ({@link RunDirectory#recordFailure}) until
 * the run is trained again.
 *
 * <p>With several workers ({@link GradientAverager}), every worker reads the same global batches
 * (they are functions of the seed and the step), runs the data-dependent initialisation on the
 * whole first one, and trains on its contiguous shard of each; the averaged step is the same on
 * every worker. Rank 0 alone holds the lock and writes the run directory (configuration, metrics,
 * evaluations, samples, checkpoints); the other ranks only read the checkpoint they resume from.
 */
public final class Trainer {
  /**
   * The purpose of the dropout stream in {@link Noise#streamSeed}: micro-batch k of step s draws
   * its masks from (seed, DROPOUT_STREAM, s·K + k) with K = {@code train.accumulate} (s when K = 1),
   * apart from the data's streams (purposes 1 to 4).
   */
  static final long DROPOUT_STREAM = 5;
  private final ModelFactory factory;
  private final DataPipeline data;
  private final SampleScorer scorer;

  /** Creates a trainer over the given data; {@code scorer} scores samples when the run has {@code train.fid}. */
  @Inject
  public Trainer(ModelFactory factory, DataPipeline data, SampleScorer scorer) {
    this.factory = factory;
    this.data = data;
    this.scorer = scorer;
  }

  /**
   * Trains (or, when {@code resume}, continues) the run in {@code dir} up to its
   * {@code train.steps}, and returns the last evaluation (empty when none ran). The run saves and
   * checkpoints its resolved configuration, every plugin block completed.
   */
  public Optional<Evaluation> train(ResolvedRun run, RunDirectory dir, boolean resume, TrainingListener listener) {
    return train(run, dir, resume, listener, GradientAverager.SINGLE);
  }

  /**
   * Trains as one worker of a data-parallel run: as {@link #train(ResolvedRun, RunDirectory, boolean,
   * TrainingListener)} on this worker's shard of each batch, with the steps averaged by {@code workers}.
   */
  public Optional<Evaluation> train(ResolvedRun run, RunDirectory dir, boolean resume, TrainingListener listener,
      GradientAverager workers) {
    RunConfig config = run.config();
    TrainSettings t = run.train();
    int perStep = workers.workers() * t.accumulate();
    if (t.batchSize() % perStep != 0) {
      throw new FlowException("train.batch-size = " + t.batchSize() + " does not split evenly over " + workers.workers()
          + " workers of " + t.accumulate() + " micro-batches (train.accumulate): make it a multiple of " + perStep);
    }
    Optional<List<String>> classNames = Conditioning.requireLabels(run.model(), data);
    boolean writer = workers.rank() == 0;
    try (RunLock lock = writer ? dir.lock(listener::warned) : null;
        NDManager manager = NDManager.newBaseManager(run.device());
        StopSignal stop = StopSignal.install()) {
      FlowModel model = factory.create(run.model(), manager);
      Optimizer optimizer = new Optimizer(t.rule(), t.beta1(), t.beta2(), t.epsilon(), t.weightDecay(), t.emaDecay(),
          model.trainableParameters(), manager);
      long start = 0;
      double best = Double.NaN;
      if (resume) {
        dir.requireExisting();
        if (writer) {
          dir.removeTornWrites();
        }
        Optional<Path> newest = dir.newestCheckpoint(listener::warned);
        if (newest.isPresent()) {
          Checkpoint.Contents saved = Checkpoint.read(newest.get());
          saved.requireWrittenBy(run.model(), factory);
          saved.loadInto(model, manager);
          try (NDManager state = manager.newSubManager()) {
            optimizer.load(saved.optimizerState(state));
            saved.average(state).ifPresent(optimizer::loadAverage);
          }
          start = saved.header().step();
          best = saved.header().bestBpd();
          if (!newest.get().equals(dir.latest())) {
            listener.warned("the run did not stop cleanly: resuming from " + newest.get().getFileName()
                + ", its newest valid checkpoint (step " + start + ")");
          }
        } else {
          listener.warned(dir.root() + " holds no valid checkpoint: training again from step 0 with its configuration");
        }
        if (writer && !config.config().root().equals(RunConfig.load(dir.config(), List.of()).config().root())) {
          AtomicFiles.writeString(dir.config(), config.render());
        }
      } else if (writer) {
        dir.createFresh();
        AtomicFiles.writeString(dir.config(), config.render());
      }
      if (writer) {
        classNames.ifPresent(dir::writeClassNames);
        dir.clearFailure();
      }
      try {
        return new Run(config, dir, t, model, optimizer, manager, listener, best, workers).loop(start, stop);
      } catch (RuntimeException e) {
        if (writer) {
          dir.recordFailure(e);
        }
        throw e;
      }
    }
  }

  /** The loss of one step, the gradient norm before clipping, and whether the workers agreed to stop after it. */
  private record StepResult(double bpd, double gradientNorm, boolean stop) {}

  /** One training run's mutable state. */
  private final class Run {
    private final RunConfig config;
    private final RunDirectory dir;
    private final TrainSettings t;
    private final FlowModel model;
    private final Optimizer optimizer;
    private final NDManager manager;
    private final TrainingListener listener;
    private final GradientAverager workers;
    private final ClassDropout classDropout;
    /** Whether this worker writes the run directory (rank 0). */
    private final boolean writer;
    private final long started = System.nanoTime();
    /** When the latest checkpoint was last written (System.nanoTime). */
    private long saved = started;
    /** Checkpoints of the current state, written before anything showed that state to be sane. */
    private final List<Path> unproven = new ArrayList<>();
    /** The last state (in completed steps) shown sane by its training loss or its evaluation. */
    private long provenStep = -1;
    private double best;

    Run(RunConfig config, RunDirectory dir, TrainSettings t, FlowModel model, Optimizer optimizer,
        NDManager manager, TrainingListener listener, double best, GradientAverager workers) {
      this.config = config;
      this.dir = dir;
      this.t = t;
      this.model = model;
      this.optimizer = optimizer;
      this.manager = manager;
      this.listener = listener;
      this.best = best;
      this.workers = workers;
      this.writer = workers.rank() == 0;
      this.classDropout = new ClassDropout(t.classDropout(), t.seed());
    }

    Optional<Evaluation> loop(long start, StopSignal stop) {
      listener.started(start, t.steps(), model);
      Optional<Evaluation> last = Optional.empty();
      try (MetricsLog metrics = writer ? new MetricsLog(dir.metrics(), start) : null;
          BatchStream batches = data.train(t.batchSize(), t.seed(), start)) {
        long step = start;
        Batch first = null;
        if (start == 0) {
          first = batches.next();
          try (NDScope scope = new NDScope()) {
            model.encode(first.toArray(manager), Conditioning.pass(FlowPass.initializing(), model, first, manager));
          }
        }
        if (writer && t.evaluatesAt(step) && !metrics.hasTest(step)) {
          last = Optional.of(evaluate(step, metrics));
        }
        // One worker stops at once when asked; several decide together, in each step's average.
        boolean stopping = workers.workers() == 1 && stop.requested();
        while (step < t.steps() && !stopping) {
          long begin = System.nanoTime();
          StepResult result;
          try (NDScope scope = new NDScope()) {
            result = step(first != null ? first : batches.next(), step, stop.requested());
            first = null;
          }
          stopping = result.stop();
          step++;
          double seconds = (System.nanoTime() - begin) / 1e9;
          double imagesPerSecond = t.batchSize() / seconds;
          listener.stepped(step, result.bpd(), imagesPerSecond);
          if (!writer) {
            continue;
          }
          if (step % t.logEvery() == 0 || step == t.steps()) {
            metrics.train(step, result.bpd(), t.schedule().at(step - 1), result.gradientNorm(), imagesPerSecond, elapsed());
          }
          if (t.evaluatesAt(step)) {
            last = Optional.of(evaluate(step, metrics));
          }
          if (t.checkpointEvery() > 0 && step % t.checkpointEvery() == 0) {
            write(step, dir.numbered(step));
          }
          if (step < t.steps() && saveDue()) {
            write(step, dir.latest());
          }
        }
        if (writer && (stopping || !t.evaluatesAt(step))) {
          write(step, dir.latest());
        }
      } finally {
        stop.finished();
      }
      return last;
    }

    /**
     * One optimisation step on the state of {@code step} completed steps, on this worker's share
     * of the global {@code batch}; {@code stopRequested} says whether this worker was asked to
     * stop. The gradient of the share's mean bits/dim is accumulated over {@code train.accumulate}
     * micro-batches (each one's mean scaled by 1/K, so the sum is the share's mean), each freed
     * after its backward pass, then averaged over the workers. A class-conditional model's passes
     * are conditioned on the images' labels, some replaced by "no class" under
     * {@code train.class-dropout} ({@link ClassDropout}, drawn over the whole batch). Micro-batch k of worker r at step s draws its dropout
     * masks from stream (s·workers + r)·K + k: s·K + k for one worker, s for one micro-batch.
     */
    private StepResult step(Batch batch, long step, boolean stopRequested) {
      int k = t.accumulate();
      int micro = batch.size() / workers.workers() / k;
      int first = workers.rank() * micro * k;
      NDArray x = batch.toArray(manager);
      long firstStream = (step * workers.workers() + workers.rank()) * k;
      int[] labels = model.isConditional() ? classDropout.apply(Conditioning.labels(model, batch), step) : null;
      double loss = 0;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        for (int i = 0; i < k; i++) {
          try (NDScope scope = new NDScope()) {
            int from = first + i * micro;
            NDArray part = micro == batch.size() ? x : x.get(new NDIndex("{}:{}", from, from + micro));
            FlowPass pass = Conditioning.on(FlowPass.training(new Noise(Noise.streamSeed(t.seed(), DROPOUT_STREAM, firstStream + i))),
                condition(labels, from, micro));
            NDArray mean = model.bitsPerDim(part, pass).mean();
            gc.backward(k == 1 ? mean : FlowMath.scale(mean, 1.0 / k));
            loss += mean.getFloat();
          }
        }
      }
      GradientAverager.Share agreed = workers.average(
          new GradientAverager.Share(step, optimizer.gradient(), loss / k, stopRequested));
      double bpd = agreed.bpd();
      if (!sane(bpd)) {
        throw diverged(step + 1, "the training batch's bits/dim is " + format(bpd), x, condition(labels, 0, batch.size()));
      }
      proven(step);
      NDArray gradient = agreed.gradient();
      double norm = Math.sqrt(gradient.square().sum().getFloat());
      if (!Double.isFinite(norm)) {
        throw diverged(step + 1, "the gradient is not finite" + nonFiniteGradient(), x, condition(labels, 0, batch.size()));
      }
      KillPoint.arrive("step");
      double scale = t.clipGradNorm() > 0 && norm > t.clipGradNorm() ? t.clipGradNorm() / norm : 1.0;
      optimizer.step(gradient, t.schedule().at(step), scale, step + 1);
      optimizer.zeroGradients();
      return new StepResult(bpd, norm, agreed.stop());
    }

    /** The condition of the {@code size} classes of {@code labels} from {@code from}, or null for an unconditional model (null labels). */
    private Condition condition(int[] labels, int from, int size) {
      return labels == null ? null : Conditioning.of(model, Arrays.copyOfRange(labels, from, from + size), manager);
    }

    /** Whether a bits/dim figure is finite and within the divergence bound. */
    private boolean sane(double bpd) {
      return Double.isFinite(bpd) && bpd <= t.divergenceBpd();
    }

    /** The state of {@code step} completed steps was shown sane: its checkpoints are kept whatever comes next. */
    private void proven(long step) {
      provenStep = step;
      unproven.clear();
    }

    /**
     * Sets aside the checkpoints of the state that went bad (renamed to {@code *.diverged}) and
     * describes the divergence: the first layer that went bad on the batch {@code x} (under
     * {@code condition}, null for an unconditional model) and the newest good checkpoint kept.
     */
    private NumericalException diverged(long step, String what, NDArray x, Condition condition) {
      for (Path file : unproven) {
        try {
          Files.move(file, file.resolveSibling(file.getFileName() + ".diverged"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new FlowException("cannot set aside the diverged checkpoint " + file + ": " + e.getMessage(), e);
        }
      }
      String where = model.firstDivergedLayer(x, condition, t.divergenceBpd())
          .map(layer -> "; the first layer that went bad is " + layer)
          .orElse("; no single layer went past the bound on this batch");
      Optional<Path> kept = dir.newestCheckpoint(warning -> {});
      String good = kept.map(f -> "; the newest good checkpoint, " + f + " (step " + Checkpoint.readHeader(f).step() + "), is kept")
          .orElse("; no checkpoint was written before it");
      return new NumericalException("step " + step + ": training diverged (" + what + "; the run stops at a non-finite value or above"
          + " train.divergence-bpd = " + format(t.divergenceBpd()) + ")" + where + good);
    }

    private String nonFiniteGradient() {
      for (FlowLayer layer : model.layers()) {
        for (Pair<String, Parameter> p : layer.getParameters()) {
          NDArray g = p.getValue().requiresGradient() ? p.getValue().getArray().getGradient() : null;
          if (g != null && (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean())) {
            return " (first in " + p.getKey() + " of " + layer.path() + ")";
          }
        }
      }
      return "";
    }

    /**
     * Evaluates, samples and (with {@code train.fid}) scores the state of {@code step} completed
     * steps. The latest checkpoint is written first, so a failure here keeps the training; a
     * sampling or scoring failure is reported and the run goes on. The metrics row comes last: a
     * run killed before it evaluates again on resume.
     */
    private Evaluation evaluate(long step, MetricsLog metrics) {
      write(step, dir.latest());
      Evaluation e;
      Map<Double, Images> grids = new LinkedHashMap<>();
      Optional<SampleScorer.Score> score = Optional.empty();
      try (Optimizer.AverageInUse average = optimizer.withAverage(); Frozen frozen = model.freeze()) {
        KillPoint.arrive("evaluation");
        e = Evaluator.evaluate(model, data, manager, t.evalBatchSize(), t.evalLimit(), t.seed());
        if (!sane(e.bpd())) {
          try (BatchStream test = data.test(t.evalBatchSize(), t.seed(), t.evalLimit())) {
            Batch batch = test.next();
            throw diverged(step, "the test bits/dim is " + format(e.bpd()), batch.toArray(manager), Conditioning.of(model, batch, manager));
          }
        }
        proven(step);
        for (double temperature : t.sampleTemperatures()) {
          KillPoint.arrive("sampling");
          try {
            grids.put(temperature, Sampler.sample(model, manager, t.samples(), temperature, t.seed()));
          } catch (FlowException failure) {
            listener.warned("step " + step + ": sampling at T = " + temperature + " failed, the run goes on: " + failure.getMessage());
          }
        }
        if (t.fid().filter(fid -> fid.scoresAt(step, t.steps())).isPresent()) {
          score = score(step);
        }
      }
      if (Double.isNaN(best) || e.bpd() < best) {
        best = e.bpd();
        write(step, dir.best());
        write(step, dir.latest());
      }
      metrics.test(step, e, score.map(SampleScorer.Score::value).orElse(Double.NaN), elapsed());
      score.ifPresent(s -> listener.scored(step, s));
      listener.evaluated(step, e, grids);
      return e;
    }

    /** The score of the frozen model's samples; empty when scoring failed, which is a warning: the run goes on. */
    private Optional<SampleScorer.Score> score(long step) {
      try {
        SampleScorer.Score score = scorer.score(model, manager);
        for (String warning : score.warnings()) {
          listener.warned("step " + step + ": " + score.metric() + ": " + warning);
        }
        return Optional.of(score);
      } catch (FlowException failure) {
        listener.warned("step " + step + ": scoring the samples (train.fid) failed, the run goes on: " + failure.getMessage());
        return Optional.empty();
      }
    }

    /** Whether train.save-every has passed since the latest checkpoint was written. */
    private boolean saveDue() {
      return !t.saveEvery().isZero() && System.nanoTime() - saved >= t.saveEvery().toNanos();
    }

    /** Writes the state of {@code step} completed steps to {@code file}; the per-parameter copies it makes are freed after. */
    private void write(long step, Path file) {
      try (NDScope scope = new NDScope()) {
        new Checkpoint(step, best, config.config().root().render(com.typesafe.config.ConfigRenderOptions.concise()))
            .write(file, model, optimizer.state(), optimizer.average().map(w -> new Checkpoint.Average(t.emaDecay().getAsDouble(), w)));
      }
      if (file.equals(dir.latest())) {
        saved = System.nanoTime();
      }
      if (step != provenStep) {
        unproven.add(file);
      }
      listener.checkpointed(step, file);
    }

    private double elapsed() {
      return (System.nanoTime() - started) / 1e9;
    }
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.4g", value);
  }
}
