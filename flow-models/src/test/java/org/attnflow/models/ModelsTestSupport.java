package org.attnflow.models;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.typesafe.config.ConfigParseOptions;
import org.attnflow.api.registry.Registry;
import org.attnflow.models.config.ResolvedRun;
import org.attnflow.models.config.RunConfig;
import org.attnflow.models.run.Checkpoint;
import org.attnflow.models.training.SampleScorer;

/** Configurations and factories shared by this module's tests. */
public final class ModelsTestSupport {
  public static final Registry REGISTRY = Registry.builtIn();
  /** The scorer of runs without train.fid: never called. */
  public static final SampleScorer NO_SCORER = (model, manager) -> {
    throw new AssertionError("a run without train.fid scored its samples");
  };

  private ModelsTestSupport() {}

  /** A run configuration from HOCON text over the module's reference. */
  public static RunConfig config(String hocon) {
    return RunConfig.of(ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("test.conf"))
        .withFallback(RunConfig.reference()).resolve());
  }

  /** A tiny model and training setup on 1×8×8 images. */
  public static RunConfig tiny(String extra) {
    return config("""
        device = cpu
        model { input = [1, 8, 8], levels = 2, steps = 2,
          step = [{ type = actnorm }, { type = invconv }, { type = affine-coupling, hidden = 8 }] }
        train { steps = 6, batch-size = 8, warmup-steps = 2, log-every = 1, eval-every = 3,
          eval-batch-size = 16, checkpoint-every = 3, sample-temperatures = [0.7], samples = 4 }
        """ + extra);
  }

  /** {@link #tiny} resolved with the built-in plugins. */
  public static ResolvedRun run(String extra) {
    return ResolvedRun.of(tiny(extra), REGISTRY);
  }

  /** The parameter values of {@code run}'s model as {@code checkpoint} saved them, in parameter order. */
  public static List<float[]> parameters(ResolvedRun run, Path checkpoint) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(REGISTRY).create(run.model(), manager);
      Checkpoint.read(checkpoint).loadInto(model, manager);
      List<float[]> out = new ArrayList<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        out.add(p.getValue().getArray().toFloatArray());
      }
      return out;
    }
  }

}
