package org.attnflow.cli.common;

import ai.djl.ndarray.NDManager;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.math.ConvolutionCheck;
import org.attnflow.api.registry.Registry;
import org.attnflow.data.DataPipelines;
import org.attnflow.models.Conditioning;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.config.FlowModule;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.run.RunDirectory;
import org.attnflow.models.training.SampleScorer;

/**
 * The wiring of one command: Guice assembles the registry, the resolved run, the model factory,
 * the data pipeline and the trainer from a configuration.
 */
public final class Session {
  private final Injector injector;

  private Session(RunConfig config, Optional<Path> plugins) {
    EngineCheck.WRONG.ifPresent(wrong -> {
      throw new FlowException(wrong + "; models trained, evaluated or sampled here would be wrong. With"
          + " ONEDNN_MAX_CPU_ISA=AVX2 in the environment oneDNN uses other kernels, which were right where"
          + " AVX-512 ones were wrong"
          + " (docs/design.md, \"Convolutions the engine gets wrong\")");
    });
    this.injector = Guice.createInjector(new FlowModule(config, plugins), new DataModule());
  }

  /**
   * A session over the user's own configuration; plugins come from {@code pluginDir} (the command
   * line), or when it is empty from the configuration's {@code plugins}.
   */
  public static Session ofConfig(RunConfig config, Optional<Path> pluginDir) {
    return new Session(config, pluginDir.or(config::pluginDir));
  }

  /**
   * A session over a trained run: its configuration ({@code config.conf}) with {@code overrides};
   * plugins come from {@code pluginDir} (the command line) alone, never from a file of the run.
   */
  public static Session ofRun(RunDirectory dir, List<String> overrides, Optional<Path> pluginDir) {
    return new Session(RunConfig.load(dir.config(), overrides), pluginDir);
  }

  /** {@link ConvolutionCheck}'s verdict, reached once per process, before the first session. */
  private static final class EngineCheck {
    static final Optional<String> WRONG = ConvolutionCheck.run();
  }

  public <T> T get(Class<T> type) {
    return injector.getInstance(type);
  }

  /** The run's configuration, resolved once: what every command reads. */
  public ResolvedRun run() {
    return get(ResolvedRun.class);
  }

  /** A manager on the configured device. */
  public NDManager manager() {
    return NDManager.newBaseManager(run().device());
  }

  /**
   * A model loaded from a checkpoint.
   *
   * @param model the model
   * @param weights which weights it holds, for the command's output: {@code "ema 0.999"} (the
   *     moving average of {@code train.ema-decay}) or {@code "raw"}
   */
  public record Loaded(FlowModel model, String weights) {}

  /**
   * The model of the configuration with the parameters of {@code checkpoint}, which must have been
   * written by that model; its trainable parameters are the checkpoint's moving average when it
   * holds one.
   */
  public Loaded load(Path checkpoint, NDManager manager) {
    ModelFactory factory = get(ModelFactory.class);
    FlowModel model = factory.create(run().model(), manager);
    Checkpoint.Contents saved = Checkpoint.read(checkpoint);
    saved.requireWrittenBy(run().model(), factory);
    saved.loadInto(model, manager);
    saved.loadAverageInto(model, manager);
    return new Loaded(model, saved.weights());
  }

  /**
   * Binds the data pipeline of flow-data, opened only when a command needs data (and refused when
   * it cannot condition a class-conditional model), and the scorer of samples during training,
   * whose reference statistics come from that data.
   */
  private static final class DataModule extends AbstractModule {
    @Provides
    @Singleton
    DataPipeline pipeline(ResolvedRun run, Registry registry) {
      DataPipeline data = DataPipelines.create(run.data(), registry);
      Conditioning.requireLabels(run.model(), data);
      return data;
    }

    @Provides
    SampleScorer scorer(ResolvedRun run, Registry registry) {
      return new TrainingScorer(run, registry);
    }
  }
}
