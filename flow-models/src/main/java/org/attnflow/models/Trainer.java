package org.attnflow.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.Frozen;
import org.attnflow.api.NumericalException;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;

/**
 * Trains a flow by maximum likelihood: minimises the mean bits/dim of training batches with Adam
 * or Adamax, linear warm-up and gradient-norm clipping, after the data-dependent initialisation
 * on the first batch. It logs metrics, evaluates and samples before the first step and then
 * periodically, and keeps the latest,
 * best and numbered checkpoints. A run resumed from its latest checkpoint continues the same
 * trajectory: the data order and noise are functions of the seed and the step.
 */
public final class Trainer {
  private final ModelFactory factory;
  private final DataPipeline data;

  /** Creates a trainer over the given data. */
  @Inject
  public Trainer(ModelFactory factory, DataPipeline data) {
    this.factory = factory;
    this.data = data;
  }

  /**
   * Trains (or, when {@code resume}, continues) the run in {@code dir} up to {@code given}'s
   * {@code train.steps}, and returns the final evaluation. The run saves and checkpoints the
   * configuration with its model block completed ({@link ModelFactory#completed}).
   */
  public Evaluation train(RunConfig given, RunDirectory dir, boolean resume, TrainingListener listener) {
    RunConfig config = given.withModel(factory.completed(given.block("model")));
    TrainSettings t = TrainSettings.of(config.block("train"));
    if (resume) {
      dir.requireExisting();
    } else {
      dir.createFresh();
    }
    try (NDManager manager = NDManager.newBaseManager(Devices.resolve(org.attnflow.api.config.Settings.root(config.config())));
        StopSignal stop = StopSignal.install()) {
      FlowModel model = factory.create(config.block("model"), manager);
      List<Parameter> params = model.trainableParameters();
      Optimizer optimizer = new Optimizer(t.rule(), t.beta1(), t.beta2(), t.epsilon(), params, manager);
      long start = 0;
      double best = Double.NaN;
      if (resume) {
        Checkpoint header = Checkpoint.readHeader(dir.latest());
        Checkpoint.load(dir.latest(), model, optimizer, manager);
        start = header.step();
        best = header.bestBpd();
      } else {
        AtomicFiles.writeString(dir.config(), config.render());
      }
      Run run = new Run(config, dir, t, model, optimizer, manager, listener, best);
      return run.loop(start, stop);
    }
  }

  /** One training run's mutable state. */
  private final class Run {
    private final RunConfig config;
    private final RunDirectory dir;
    private final TrainSettings t;
    private final FlowModel model;
    private final Optimizer optimizer;
    private final NDManager manager;
    private final TrainingListener listener;
    private final long started = System.nanoTime();
    private double best;

    Run(RunConfig config, RunDirectory dir, TrainSettings t, FlowModel model, Optimizer optimizer,
        NDManager manager, TrainingListener listener, double best) {
      this.config = config;
      this.dir = dir;
      this.t = t;
      this.model = model;
      this.optimizer = optimizer;
      this.manager = manager;
      this.listener = listener;
      this.best = best;
    }

    Evaluation loop(long start, StopSignal stop) {
      listener.started(start, t.steps(), model);
      Evaluation last = null;
      try (MetricsLog metrics = new MetricsLog(dir.metrics(), start);
          BatchStream batches = data.train(t.batchSize(), t.seed(), start)) {
        long step = start;
        Batch first = null;
        if (start == 0) {
          first = batches.next();
          try (NDScope scope = new NDScope()) {
            model.initializeFromData(first.toArray(manager));
          }
          if (t.evaluatesAt(0)) {
            evaluate(0, metrics);
          }
        }
        while (step < t.steps() && !stop.requested()) {
          long begin = System.nanoTime();
          double[] lossAndNorm;
          try (NDScope scope = new NDScope()) {
            NDArray x = (first != null ? first : batches.next()).toArray(manager);
            first = null;
            lossAndNorm = step(x, step);
          }
          step++;
          double seconds = (System.nanoTime() - begin) / 1e9;
          double imagesPerSecond = t.batchSize() / seconds;
          listener.stepped(step, lossAndNorm[0], imagesPerSecond);
          if (step % t.logEvery() == 0 || step == t.steps()) {
            metrics.train(step, lossAndNorm[0], t.learningRateAt(step - 1), lossAndNorm[1], imagesPerSecond, elapsed());
          }
          if (t.evaluatesAt(step)) {
            last = evaluate(step, metrics);
          }
          if (t.checkpointEvery() > 0 && step % t.checkpointEvery() == 0) {
            write(step, dir.numbered(step));
          }
        }
        if (stop.requested() || !t.evaluatesAt(step)) {
          write(step, dir.latest());
        }
      } finally {
        stop.finished();
      }
      return last;
    }

    /** One optimisation step; returns the batch bits/dim and the gradient norm before clipping. */
    private double[] step(NDArray x, long step) {
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        loss = model.bitsPerDim(x).mean();
        gc.backward(loss);
      }
      NDArray gradient = optimizer.gradient();
      double lossValue = loss.getFloat();
      double norm = Math.sqrt(gradient.square().sum().getFloat());
      if (!Double.isFinite(lossValue) || !Double.isFinite(norm)) {
        throw new NumericalException(describeNonFinite(x, step, lossValue));
      }
      double scale = t.clipGradNorm() > 0 && norm > t.clipGradNorm() ? t.clipGradNorm() / norm : 1.0;
      optimizer.step(gradient, t.learningRateAt(step), scale, step + 1);
      optimizer.zeroGradients();
      return new double[] {lossValue, norm};
    }

    private String describeNonFinite(NDArray x, long step, double loss) {
      String where = model.firstNonFiniteLayer(x);
      if (where != null) {
        return "step " + (step + 1) + ": the loss is " + loss + "; the first non-finite value appeared in " + where
            + lastGood();
      }
      for (FlowLayer layer : model.layers()) {
        for (Pair<String, Parameter> p : layer.getParameters()) {
          NDArray g = p.getValue().requiresGradient() ? p.getValue().getArray().getGradient() : null;
          if (g != null && (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean())) {
            return "step " + (step + 1) + ": the gradient of " + p.getKey() + " in " + layer.path()
                + " is not finite" + lastGood();
          }
        }
      }
      return "step " + (step + 1) + ": the loss is " + loss + " and the gradient is not finite" + lastGood();
    }

    private String lastGood() {
      return java.nio.file.Files.exists(dir.latest())
          ? "; the last good checkpoint, " + dir.latest() + " (step " + Checkpoint.readHeader(dir.latest()).step() + "), is kept"
          : "; no checkpoint was written before it";
    }

    private Evaluation evaluate(long step, MetricsLog metrics) {
      Evaluation e;
      Map<Double, Images> grids = new LinkedHashMap<>();
      try (Frozen frozen = model.freeze()) {
        e = Evaluator.evaluate(model, data, manager, t.evalBatchSize(), t.evalLimit(), t.seed());
        for (double temperature : t.sampleTemperatures()) {
          grids.put(temperature, Sampler.sample(model, manager, t.samples(), temperature, t.seed()));
        }
      }
      metrics.test(step, e, elapsed());
      boolean improved = Double.isNaN(best) || e.bpd() < best;
      if (improved) {
        best = e.bpd();
        write(step, dir.best());
      }
      write(step, dir.latest());
      listener.evaluated(step, e, grids);
      return e;
    }

    private void write(long step, java.nio.file.Path file) {
      new Checkpoint(step, best, config.config().root().render(com.typesafe.config.ConfigRenderOptions.concise()))
          .write(file, model, optimizer);
      listener.checkpointed(step, file);
    }

    private double elapsed() {
      return (System.nanoTime() - started) / 1e9;
    }
  }
}
