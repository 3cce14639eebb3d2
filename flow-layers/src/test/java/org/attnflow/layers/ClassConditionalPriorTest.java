package org.attnflow.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.typesafe.config.ConfigFactory;
import java.util.Random;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowPass;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.Prior;
import org.attnflow.api.config.Settings;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.PluginKind;
import org.junit.jupiter.api.Test;

/**
 * The built-in Gaussian priors of a class-conditional model: their log-density is that of the
 * Gaussian N(m_y + e^{s_y}·μ, e^{2(ℓ + s_y)}) written out entry by entry, and sampling at
 * temperature 0 gives its mean, for random parameters and a batch of three classes.
 */
class ClassConditionalPriorTest {
  private static final Registry REGISTRY = Registry.builtIn();
  private static final ImageShape LATENT = new ImageShape(2, 2, 3);
  private static final ImageShape KEPT = new ImageShape(3, 2, 3);
  private static final int CLASSES = 3;
  private static final int[] LABELS = {2, 0, 1, 2};

  @Test
  void theTopPriorsAreTheirGaussiansShiftedAndScaledPerClass() {
    for (String type : new String[] {"standard-normal", "learned"}) {
      try (NDManager manager = NDManager.newBaseManager()) {
        Prior prior = randomPrior(manager, type, null);
        // the learned prior's per-channel μ and ℓ; the standard normal's are 0
        double[] mu = type.equals("learned") ? values(prior, "mean") : new double[LATENT.channels()];
        double[] ell = type.equals("learned") ? values(prior, "logstd") : new double[LATENT.channels()];
        checkAgainstFormula(manager, prior, null, (b, i) -> mu[channel(i)], (b, i) -> ell[channel(i)]);
      }
    }
  }

  @Test
  void theSplitPriorIsItsGaussianShiftedAndScaledPerClass() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Prior prior = randomPrior(manager, "conditional-gaussian", KEPT);
      NDArray kept = new Noise(5).normal(manager, KEPT.batched(LABELS.length)).toType(DataType.FLOAT64, false);
      ConditionalGaussianPrior inner = (ConditionalGaussianPrior) prior.getChildren().values().get(0);
      var gaussian = inner.parameters(kept, LABELS.length);
      double[] mu = gaussian.mean().toDoubleArray();
      double[] ell = gaussian.logStd().toDoubleArray();
      int d = (int) LATENT.size();
      checkAgainstFormula(manager, prior, kept, (b, i) -> mu[b * d + i], (b, i) -> ell[b * d + i]);
    }
  }

  @Test
  void anUnconditionalModelKeepsThePriorItself() {
    try (NDManager manager = NDManager.newBaseManager()) {
      BuildContext context = context("standard-normal", null, 0);
      assertInstanceOf(StandardNormalPrior.class, REGISTRY.create(PluginKind.PRIOR, context));
      Prior inner = new StandardNormalPrior(LATENT);
      assertSame(inner, ClassConditionalPrior.of(context, inner));
    }
  }

  /** An entry of the prior's own mean or log-std for sample b and flat latent index i. */
  private interface Entry {
    double at(int b, int i);
  }

  private static void checkAgainstFormula(NDManager manager, Prior prior, NDArray kept, Entry mu, Entry ell) {
    double[] classMean = classWeight(prior, 0);
    double[] classLogScale = classWeight(prior, 1);
    int d = (int) LATENT.size();
    NDArray z = new Noise(9).normal(manager, LATENT.batched(LABELS.length)).toType(DataType.FLOAT64, false);
    double[] zs = z.toDoubleArray();
    double[] expected = new double[LABELS.length];
    double[] expectedMode = new double[zs.length];
    for (int b = 0; b < LABELS.length; b++) {
      for (int i = 0; i < d; i++) {
        int k = LABELS[b] * LATENT.channels() + channel(i);
        double mean = classMean[k] + Math.exp(classLogScale[k]) * mu.at(b, i);
        double logStd = ell.at(b, i) + classLogScale[k];
        double u = (zs[b * d + i] - mean) / Math.exp(logStd);
        expected[b] += -0.5 * u * u - logStd - 0.5 * Math.log(2 * Math.PI);
        expectedMode[b * d + i] = mean;
      }
    }
    Condition condition = Condition.ofClasses(manager, LABELS, CLASSES);
    double[] logProb = prior.logProb(z, kept, FlowPass.encoding().conditionedOn(condition)).toDoubleArray();
    assertArrayEquals(expected, logProb, 1e-10, prior.path() + ": log-density");
    NDArray mode = prior.sample(manager, kept, LABELS.length, FlowPass.sampling(0, new Noise(3)).conditionedOn(condition));
    assertArrayEquals(expectedMode, mode.toType(DataType.FLOAT64, false).toDoubleArray(), 1e-12, prior.path() + ": sample at T = 0");
  }

  /** The per-class means (part 0) or log-scales (part 1), row k·C + c for class k and channel c. */
  private static double[] classWeight(Prior prior, int part) {
    double[] w = values(prior, "class-weight");
    int c = LATENT.channels();
    double[] out = new double[CLASSES * c];
    for (int k = 0; k < CLASSES; k++) {
      System.arraycopy(w, k * 2 * c + part * c, out, k * c, c);
    }
    return out;
  }

  private static int channel(int flatIndex) {
    return flatIndex / LATENT.positions();
  }

  private static double[] values(Prior prior, String name) {
    for (Pair<String, Parameter> p : prior.getParameters()) {
      if (p.getKey().endsWith(name)) {
        return p.getValue().getArray().toDoubleArray();
      }
    }
    throw new AssertionError("no parameter " + name);
  }

  /** The prior of {@code type} in a model of three classes, in float64, every parameter N(0, 0.3²). */
  private static Prior randomPrior(NDManager manager, String type, ImageShape kept) {
    Prior prior = REGISTRY.create(PluginKind.PRIOR, context(type, kept, CLASSES));
    assertInstanceOf(ClassConditionalPrior.class, prior);
    prior.initialize(manager, DataType.FLOAT64, LATENT.batched(1));
    Random random = new Random(7);
    for (Pair<String, Parameter> p : prior.getParameters()) {
      NDArray a = p.getValue().getArray();
      double[] v = new double[(int) a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = 0.3 * random.nextGaussian();
      }
      a.set(v);
    }
    return prior;
  }

  private static BuildContext context(String type, ImageShape kept, int classes) {
    Settings settings = new Settings(ConfigFactory.parseString("type = " + type).root(), "model.prior");
    return new BuildContext(settings, settings.path(), LATENT, kept, 0, new Random(1), REGISTRY, classes);
  }
}
