package org.attnflow.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigValue;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.attnflow.api.FlowBlock;
import org.attnflow.api.FlowException;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Prior;
import org.attnflow.api.ShapeException;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.config.Settings;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PluginKind;

/**
 * Builds a multi-scale flow from the {@code model} block through the registry alone: for each of
 * {@code levels} levels, the {@code squeeze} layer, {@code steps} copies of the {@code step} layer
 * list, and (except on the last level) the {@code split} layer; then the {@code prior} over the
 * final latent. Shapes are propagated while building, so an architecture that does not fit fails
 * here, with the path of the offending layer and the file and line of its configuration.
 */
public final class ModelFactory {
  /** The most values one Java array holds on common virtual machines. */
  static final int LARGEST_ARRAY = Integer.MAX_VALUE - 8;

  /** The most layers a model may have: the paper's largest has a few hundred, and each layer takes memory to build. */
  static final long MAX_LAYERS = 100_000;

  private final Registry registry;

  /** Creates a factory that finds its plugins in {@code registry}. */
  @Inject
  public ModelFactory(Registry registry) {
    this.registry = registry;
  }

  /** Builds the model described by {@code model} (not yet initialised). */
  public FlowModel build(Settings model) {
    ImageShape inputShape = inputShape(model);
    String context = "model.input = " + inputShape + " at " + ConfigError.where(model.originOf("input"))
        + ", model.levels at " + ConfigError.where(model.originOf("levels"));
    int levelCount = model.integerAtLeast("levels", 1);
    int steps = model.integerAtLeast("steps", 0);
    long seed = model.longValue("seed");
    int classes = Conditioning.classes(model);
    List<Settings> step = model.blocks("step");
    long layerCount = levelCount * (2 + (long) steps * step.size());
    if (layerCount > MAX_LAYERS) {
      throw model.error((long) steps * step.size() >= levelCount ? "steps" : "levels", levelCount + " levels of " + steps
          + " steps of " + step.size() + " layers make " + layerCount + " layers, more than " + MAX_LAYERS + " (too large)");
    }

    List<FlowLayer> layers = new ArrayList<>();
    List<FlowModel.Level> levels = new ArrayList<>();
    ImageShape shape = inputShape;
    for (int l = 0; l < levelCount; l++) {
      String level = "model.levels[" + l + "]";
      String squeeze = level + ".squeeze";
      shape = add(layers, model.block("squeeze"), squeeze, context, shape, 0, classes, initRandom(seed, squeeze));
      ImageShape stepShape = shape;
      for (int k = 0; k < steps; k++) {
        Map<String, Integer> earlierOfType = new HashMap<>();
        for (Settings layer : step) {
          String type = layer.has("type") ? layer.string("type") : "?";
          String path = level + ".steps[" + k + "]." + type;
          int earlier = earlierOfType.merge(type, 1, Integer::sum) - 1;
          Random random = initRandom(seed, earlier == 0 ? path : path + "#" + earlier);
          shape = add(layers, layer, path, context, shape, k, classes, random);
        }
      }
      if (l < levelCount - 1) {
        String split = level + ".split";
        shape = add(layers, model.block("split"), split, context, shape, 0, classes, initRandom(seed, split));
      }
      levels.add(new FlowModel.Level(level, stepShape, shape));
    }
    Settings priorSettings = model.block("prior");
    Prior prior = build(priorSettings, "model.prior", context, () -> registry.create(PluginKind.PRIOR,
        new BuildContext(priorSettings, "model.prior", levels.get(levels.size() - 1).output(), null, 0,
            initRandom(seed, "model.prior"), registry, classes)));
    return new FlowModel(inputShape, layers, prior, levels, classes);
  }

  private static ImageShape inputShape(Settings model) {
    List<Integer> input = model.integers("input");
    if (input.size() != 3) {
      throw model.error("input", "expected [channels, height, width], found " + input.size() + " values");
    }
    try {
      return new ImageShape(input.get(0), input.get(1), input.get(2));
    } catch (ShapeException e) {
      throw model.error("input", e.getMessage());
    }
  }

  /**
   * The source of a layer's initial parameters: its own stream, seeded from the model seed and
   * the layer's place ({@code key}: its path, with "#n" for the n-th further layer of the same
   * type in a step). Adding, removing or reordering other layers therefore leaves a layer's
   * initial parameters as they were: glow32 and imap32 start from the same Glow backbone.
   */
  private static Random initRandom(long modelSeed, String key) {
    long hash = 0xcbf29ce484222325L; // 64-bit FNV-1a over the key's characters
    for (int i = 0; i < key.length(); i++) {
      hash = (hash ^ key.charAt(i)) * 0x100000001b3L;
    }
    return new Random(new SplittableRandom(modelSeed ^ hash).nextLong());
  }

  /**
   * The {@code model} block as it is built: every plugin block, nested ones included, checked and
   * completed with its provider's defaults, without building anything. A run saves this form, so
   * that it rebuilds the same model even if a default changes later, and its saved configuration
   * shows every value it used.
   */
  public Settings completed(Settings model) {
    List<Settings> steps = new ArrayList<>();
    for (Settings layer : model.blocks("step")) {
      steps.add(registry.complete(PluginKind.LAYER, layer));
    }
    return model
        .with("squeeze", registry.complete(PluginKind.LAYER, model.block("squeeze")))
        .with("step", steps)
        .with("split", registry.complete(PluginKind.LAYER, model.block("split")))
        .with("prior", registry.complete(PluginKind.PRIOR, model.block("prior")));
  }

  /** Builds and initialises the model's parameters in {@code manager}, if the model fits in memory for one sample. */
  public FlowModel create(Settings model, NDManager manager) {
    return create(model, manager, new MemoryEstimate.Workload(1, 1, "one sample"));
  }

  /**
   * Builds the model and, if its {@link MemoryEstimate} for {@code workload} fits in the memory
   * available, initialises its parameters in {@code manager}; otherwise fails at {@code
   * model.input} with the estimate.
   */
  public FlowModel create(Settings model, NDManager manager, MemoryEstimate.Workload workload) {
    FlowModel flow = build(model);
    MemoryEstimate.of(flow, workload).requireFits(model);
    flow.initialize(manager, DataType.FLOAT32, flow.inputShape().batched(1));
    return flow;
  }

  private ImageShape add(List<FlowLayer> layers, Settings settings, String path, String context, ImageShape in,
      int index, int classes, Random random) {
    FlowLayer layer = build(settings, path, context, () -> registry.create(PluginKind.LAYER,
        new BuildContext(settings, path, in, null, index, random, registry, classes)));
    layers.add(layer);
    return layer.outputShape();
  }

  /**
   * Runs {@code builder}; a failure that is not a configuration error is reported at the layer's
   * configuration with the model's input shape and where it was set, since a shape that does not
   * fit often comes from the input and the number of levels rather than from the layer itself.
   */
  private static <T> T build(Settings settings, String path, String context, java.util.function.Supplier<T> builder) {
    T built;
    try {
      built = builder.get();
    } catch (ConfigError e) {
      throw e;
    } catch (FlowException e) {
      throw new ConfigError(settings.origin(), path, e.getMessage() + " (" + context + ")");
    } catch (RuntimeException e) {
      throw new ConfigError(settings.origin(), path, "the plugin failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (built instanceof FlowBlock block) {
      requireDrawableParameters(block, settings, path);
    }
    return built;
  }

  /**
   * Fails when a parameter of {@code block} cannot be initialised: its values are drawn into one
   * Java array, so it must have at most {@link #LARGEST_ARRAY} values and fit the Java heap. The
   * error is put on the block's largest number (as {@code hidden}), the likeliest cause, or on the
   * block when it has none.
   */
  private static void requireDrawableParameters(FlowBlock block, Settings settings, String path) {
    long heap = Runtime.getRuntime().maxMemory();
    for (Pair<String, Parameter> p : block.getParameters()) {
      Shape shape = p.getValue().getShape();
      long values = shape == null ? 0 : shape.size();
      if (values > LARGEST_ARRAY || values * Float.BYTES > heap) {
        String problem = "the parameter " + p.getKey() + " of " + path + " would hold " + values + " values "
            + shape + ", more than " + (values > LARGEST_ARRAY ? "one array holds (" + LARGEST_ARRAY + ")"
                : "the Java heap of " + MemoryEstimate.gigabytes(heap) + " holds");
        String key = largestNumber(settings);
        throw key == null ? new ConfigError(settings.origin(), settings.path(), "too large: " + problem)
            : settings.error(key, settings.config().root().get(key).render() + " is too large: " + problem);
      }
    }
  }

  /** The key of the block's largest number, or null when it has no number. */
  private static String largestNumber(Settings settings) {
    String largest = null;
    double max = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, ConfigValue> e : settings.config().root().entrySet()) {
      if (e.getValue().unwrapped() instanceof Number n && Math.abs(n.doubleValue()) > max) {
        max = Math.abs(n.doubleValue());
        largest = e.getKey();
      }
    }
    return largest;
  }
}
