package org.attnflow.models.config;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.Set;
import org.attnflow.api.config.Settings;

/**
 * The learning rate of every step: a linear warm-up to the peak over {@code train.warmup-steps},
 * then the decay that {@code train.schedule} names, up to {@code train.steps}.
 *
 * @param peak the peak rate, {@code train.learning-rate}
 * @param warmupSteps steps of linear warm-up (0 = none)
 * @param steps the run's length, which a cosine reaches its final rate at
 * @param decay what follows the warm-up
 */
public record LearningRateSchedule(double peak, long warmupSteps, long steps, Decay decay) {
  private static final Map<String, String> DEFAULTS = Map.of("constant", "", "cosine", "final = 0.0", "step", "factor = 0.5");

  /** What multiplies the warmed-up rate of a step. */
  public sealed interface Decay {
    /** The factor at step {@code step} (0-based) of a run of {@code steps} after {@code warmupSteps} of warm-up. */
    double factor(long step, long warmupSteps, long steps);
  }

  /** The peak rate throughout: {@code type = constant}. */
  public record Constant() implements Decay {
    @Override
    public double factor(long step, long warmupSteps, long steps) {
      return 1.0;
    }
  }

  /**
   * Half a cosine period from the peak down to {@code last}·peak at the last step:
   * {@code type = cosine, final = last}.
   */
  public record Cosine(double last) implements Decay {
    @Override
    public double factor(long step, long warmupSteps, long steps) {
      double progress = steps > warmupSteps ? Math.min(1.0, Math.max(0.0, (step + 1 - warmupSteps) / (double) (steps - warmupSteps))) : 0.0;
      return last + (1 - last) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }

  /** The rate multiplied by {@code factor} after every {@code every} steps past the warm-up: {@code type = step}. */
  public record StepDecay(long every, double factor) implements Decay {
    @Override
    public double factor(long step, long warmupSteps, long steps) {
      return step < warmupSteps ? 1.0 : Math.pow(factor, (step - warmupSteps) / every);
    }
  }

  /** The learning rate of step {@code step} (0-based). */
  public double at(long step) {
    double warm = warmupSteps == 0 ? peak : peak * Math.min(1.0, (step + 1) / (double) warmupSteps);
    return warm * decay.factor(step, warmupSteps, steps);
  }

  /** Reads and checks the learning rate keys of the {@code train} block, whose {@code schedule} is completed. */
  static LearningRateSchedule of(Settings train) {
    double peak = train.number("learning-rate");
    if (!(peak > 0) || Double.isInfinite(peak)) {
      throw train.error("learning-rate", "expected a finite positive number, found " + peak);
    }
    return new LearningRateSchedule(peak, train.integerAtLeast("warmup-steps", 0), train.integerAtLeast("steps", 0),
        decay(completed(train.block("schedule"))));
  }

  /** The {@code train.schedule} block with the defaults of its type filled in, its keys checked. */
  static Settings completed(Settings schedule) {
    String type = schedule.choice("type", "constant", "cosine", "step");
    schedule.requireKnownKeys(switch (type) {
      case "cosine" -> Set.of("type", "final");
      case "step" -> Set.of("type", "every", "factor");
      default -> Set.of("type");
    }, "train.schedule of type " + type);
    return schedule.withDefaults(ConfigFactory.parseString(DEFAULTS.get(type)));
  }

  private static Decay decay(Settings s) {
    return switch (s.string("type")) {
      case "cosine" -> new Cosine(fraction(s, "final", "a fraction of the peak in [0, 1]", 0.0));
      case "step" -> new StepDecay(s.integerAtLeast("every", 1), fraction(s, "factor", "a factor in (0, 1]", Double.MIN_VALUE));
      default -> new Constant();
    };
  }

  /** The number at {@code key}, which must lie in [{@code min}, 1]. */
  private static double fraction(Settings s, String key, String expected, double min) {
    double v = s.number(key);
    if (!(v >= min && v <= 1)) {
      throw s.error(key, "expected " + expected + ", found " + v);
    }
    return v;
  }
}
