package org.attnflow.cli.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.DoubleSupplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Noise;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.Session;
import org.attnflow.data.DataPipelines;
import org.attnflow.models.Conditioning;
import org.attnflow.models.FlowModel;
import org.attnflow.models.MemoryEstimate;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.SampleClasses;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.RunConfig;

/**
 * Checks a configuration: the train and data blocks as train reads them (without opening the
 * dataset), then builds the model, refusing one that will not fit in memory, and runs a batch of
 * random data through it and back (in a class-conditional model, class-balanced: image i of class
 * i mod model.classes):
 * prints the shape after each level, the number of free parameters and the round-trip error.
 */
public final class CheckCommand extends Command {
  private static final int BATCH = 4;
  private static final double TOLERANCE = 1e-3;
  /** The round trip keeps the forward and inverse passes at once, plus temporaries: 3 passes (2.6 measured). */
  private static final MemoryEstimate.Workload WORKLOAD = new MemoryEstimate.Workload(BATCH, 3, "check's round trip of a batch of " + BATCH);

  public CheckCommand() {
    super("check",
        "CONFIG [--set key=value]... [--plugins DIR]",
        "build a model, push random data through forward and inverse, print shapes and counts");
  }

  @Override
  public Options options() {
    return CommonOptions.withConfig(CommonOptions.base());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    Path file = Path.of(CommonOptions.positional(line, "CONFIG file"));
    RunConfig config = RunConfig.load(file, CommonOptions.overrides(line));
    Session session = Session.ofConfig(config, CommonOptions.pluginDir(line));
    ResolvedRun run = session.run();
    DataPipelines.validate(run.data());
    try (NDManager manager = session.manager(); NDScope scope = new NDScope()) {
      FlowModel model = session.get(ModelFactory.class).create(run.model(), manager, WORKLOAD);
      NDArray x = new Noise(0).uniform(manager, model.inputShape().batched(BATCH)).sub(0.5f);
      Condition condition = model.isConditional()
          ? Conditioning.of(model, SampleClasses.balanced(model.classes()).of(0, BATCH), manager) : null;
      scoped(() -> {
        model.encode(x, Conditioning.on(FlowPass.initializing(), condition));
        return 0;
      });
      double error = scoped(() -> model.reconstruct(x, condition).sub(x).abs().max().getFloat());
      double bpd = scoped(() -> model.bitsPerDim(x, Conditioning.on(FlowPass.encoding(), condition)).mean().getFloat());

      out.println("model " + file);
      StringBuilder chain = new StringBuilder(model.inputShape().toString());
      for (FlowModel.Level level : model.levels()) {
        chain.append(" → ").append(level.steps());
      }
      out.printf("  shapes         %s%n", chain);
      for (FlowModel.Level level : model.levels()) {
        out.printf("  %-14s steps on %s, hands on %s%n", level.name().replace("model.", ""), level.steps(), level.output());
      }
      out.printf("  layers         %d%n", model.layers().size());
      if (model.isConditional()) {
        out.printf("  classes        %d (class-conditional: the batch below is class-balanced)%n", model.classes());
      }
      out.printf("  parameters     %,d (free trainable scalars)%n", model.freeParameterCount());
      out.printf("  bits/dim       %.4f on uniform noise after initialisation%n", bpd);
      out.printf("  round trip     max |x − f⁻¹(f(x))| = %.3g on a batch of %d%n", error, BATCH);
      if (!(error < TOLERANCE) || !Double.isFinite(bpd)) {
        throw new org.attnflow.api.FlowException("the model does not invert: round-trip error " + error + ", bits/dim " + bpd);
      }
      return 0;
    }
  }

  /** Computes one number in a scope of its own, so that a pass's arrays are freed before the next pass. */
  private static double scoped(DoubleSupplier pass) {
    try (NDScope scope = new NDScope()) {
      return pass.getAsDouble();
    }
  }
}
