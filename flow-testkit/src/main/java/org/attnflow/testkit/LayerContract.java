package org.attnflow.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.DoubleStream;
import org.attnflow.api.Condition;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.FlowOutput;
import org.attnflow.api.FlowPass;
import org.attnflow.api.Frozen;
import org.attnflow.api.ImageShape;
import org.attnflow.api.Noise;
import org.attnflow.api.math.FlowMath;

/**
 * The contract every invertible layer must meet, as JUnit assertions a layer author can call:
 * the inverse undoes the forward, the forward log-det equals log|det| of the full Jacobian
 * computed by autograd and a double-precision LU, the inverse's log-det is the negated forward
 * one, saving and loading the parameters gives identical outputs, a frozen layer computes what an
 * unfrozen one does, and all outputs are finite.
 *
 * <p>Layers are checked with randomised parameters (a zero-initialised layer is often the
 * identity and proves nothing): after initialisation and the data-dependent phase, every
 * trainable parameter is perturbed by Gaussian noise of {@link #perturbation}. Gradients must
 * not change when a garbage collection runs between the forward and the backward pass.
 *
 * <p>Layers and inputs are float32 unless {@link #dataType} asks for float64, which lets a
 * layer whose numerics need it (an iterative inverse, tails of a CDF) be checked with
 * tolerances far below float32's resolution.
 *
 * <p>A class-conditional layer (built with {@link Layers#factory(org.attnflow.api.registry.Registry,
 * String, ImageShape, int, long, int) classes} &gt; 0) is checked with {@link #classes}: every
 * check then runs in passes conditioned on each of K conditions (condition j gives sample i the
 * class (i + j) mod K, so every class is seen and the samples of a batch differ), and a different
 * condition must change the output.
 */
public final class LayerContract {
  /** What {@link #encodeAndDecode} returns, in order. */
  private static final List<String> ENCODED_PARTS = List.of("forward output", "forward log-det", "inverse output", "inverse log-det");
  private final Supplier<? extends FlowLayer> factory;
  private int batch = 2;
  private long seed = 0;
  private double perturbation = 0.2;
  private double roundTripTolerance = 1e-4;
  private double logDetTolerance = 2e-3;
  private DataType dataType = DataType.FLOAT32;
  private int classes = 0;
  /** The condition j that passes are conditioned on while {@link #classes} is positive. */
  private int conditionIndex = 0;

  private LayerContract(Supplier<? extends FlowLayer> factory) {
    this.factory = factory;
  }

  /** A contract over layers made by {@code factory}; each call must build an identical fresh layer. */
  public static LayerContract of(Supplier<? extends FlowLayer> factory) {
    return new LayerContract(factory);
  }

  /** Sets the standard deviation of the noise added to every trainable parameter (default 0.2). */
  public LayerContract perturbation(double std) {
    this.perturbation = std;
    return this;
  }

  /** Sets the largest accepted round-trip error (default 1e-4). */
  public LayerContract roundTripTolerance(double tolerance) {
    this.roundTripTolerance = tolerance;
    return this;
  }

  /** Sets the largest accepted log-det difference to the brute-force value (default 2e-3). */
  public LayerContract logDetTolerance(double tolerance) {
    this.logDetTolerance = tolerance;
    return this;
  }

  /** Sets the floating-point type of parameters and inputs: float32 (the default) or float64. */
  public LayerContract dataType(DataType type) {
    if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
      throw new IllegalArgumentException("the layer contract runs in float32 or float64, not " + type);
    }
    this.dataType = type;
    return this;
  }

  /** Sets the seed of parameters and inputs (default 0). */
  public LayerContract seed(long newSeed) {
    this.seed = newSeed;
    return this;
  }

  /**
   * Checks a class-conditional layer of a model of {@code classCount} classes (at least 2): every
   * check runs under each of {@code classCount} conditions, and {@link #verifyConditionMatters}
   * is added. 0 (the default) checks an unconditional layer, in unconditioned passes.
   */
  public LayerContract classes(int classCount) {
    if (classCount == 1 || classCount < 0) {
      throw new IllegalArgumentException("a conditional layer is checked with at least 2 classes (0: unconditional), not " + classCount);
    }
    this.classes = classCount;
    return this;
  }

  /** Runs every check, under each condition for a conditional layer. */
  public void verifyAll() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowLayer layer = prepare(manager, seed);
      NDArray x = input(manager, layer.inputShape());
      for (conditionIndex = 0; conditionIndex < Math.max(1, classes); conditionIndex++) {
        verifyFinite(layer, x);
        verifyRoundTrip(layer, x);
        verifyInverseLogDet(layer, x);
        verifySamplingInverse(layer, x);
        verifyLogDetAgainstJacobian(layer, x);
        verifySaveLoad(layer, x, manager);
        verifyGradientsSurviveGarbageCollection(layer, x);
        verifyFrozen(layer, x);
      }
      conditionIndex = 0;
      if (classes > 0) {
        verifyConditionMatters(layer, x);
      }
    }
  }

  /**
   * Asserts that a class-conditional layer's forward output, log-det or prior log-likelihood of
   * the latents it factors out changes when the condition does (conditions 0 and 1).
   */
  public void verifyConditionMatters(FlowLayer layer, NDArray x) {
    if (classes == 0) {
      throw new IllegalStateException("set classes(K) to check a class-conditional layer");
    }
    int before = conditionIndex;
    double[][] outputs = new double[2][];
    for (conditionIndex = 0; conditionIndex < 2; conditionIndex++) {
      FlowPass pass = encoding(x);
      FlowOutput out = layer.forward(x, pass);
      DoubleStream.Builder all = DoubleStream.builder();
      DoubleStream.of(Values.of(out.value())).forEach(all);
      DoubleStream.of(Values.of(out.logDet())).forEach(all);
      if (pass.priorLogProb() != null) {
        DoubleStream.of(Values.of(pass.priorLogProb())).forEach(all);
      }
      outputs[conditionIndex] = all.build().toArray();
    }
    conditionIndex = before;
    double change = 0;
    for (int i = 0; i < outputs[0].length; i++) {
      change = Math.max(change, Math.abs(outputs[0][i] - outputs[1][i]));
    }
    assertTrue(change > 1e-6, layer.path() + ": another class gives the same output, log-det and prior log-likelihood");
  }

  /** {@code kind}, conditioned in a conditional check on the current condition for the batch of {@code x}. */
  private FlowPass conditioned(FlowPass kind, NDArray x) {
    if (classes == 0) {
      return kind;
    }
    int batchSize = (int) x.getShape().get(0);
    int[] labels = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      labels[i] = (i + conditionIndex) % classes;
    }
    return kind.conditionedOn(Condition.ofClasses(x.getManager(), labels, classes));
  }

  /** An encoding pass for the batch {@code x}, conditioned in a conditional check. */
  private FlowPass encoding(NDArray x) {
    return conditioned(FlowPass.encoding(), x);
  }

  /** A sampling pass at temperature 1 from noise {@code noiseSeed} for the batch {@code y}, conditioned in a conditional check. */
  private FlowPass sampling(NDArray y, long noiseSeed) {
    return conditioned(FlowPass.sampling(1.0, new Noise(noiseSeed)), y);
  }

  /**
   * Builds, initialises (with a data-dependent pass on a random batch) and randomises a layer.
   */
  public FlowLayer prepare(NDManager manager, long layerSeed) {
    FlowLayer layer = factory.get();
    layer.initialize(manager, dataType, layer.inputShape().batched(batch));
    NDArray warmup = FlowMath.scale(new Noise(layerSeed + 17).normal(manager, layer.inputShape().batched(4)).toType(dataType, false), 0.5);
    layer.forward(warmup, conditioned(FlowPass.initializing(), warmup));
    randomize(layer, layerSeed, perturbation);
    return layer;
  }

  /** A random input batch for the contract's checks. */
  public NDArray input(NDManager manager, ImageShape shape) {
    return FlowMath.scale(new Noise(seed + 1).normal(manager, shape.batched(batch)).toType(dataType, false), 0.5);
  }

  /**
   * Adds Gaussian noise of standard deviation {@code std} to every trainable parameter, in the
   * parameter's own type (float32 or float64).
   */
  public static void randomize(FlowLayer layer, long seed, double std) {
    Random random = new Random(seed);
    for (Pair<String, Parameter> p : layer.getParameters()) {
      Parameter param = p.getValue();
      if (!param.requiresGradient()) {
        continue;
      }
      NDArray a = param.getArray();
      if (a.getDataType() == DataType.FLOAT64) {
        double[] v = a.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += std * random.nextGaussian();
        }
        a.set(v);
      } else {
        float[] v = a.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += (float) (std * random.nextGaussian());
        }
        a.set(v);
      }
    }
  }

  /** Asserts that the forward and inverse outputs and log-dets are finite. */
  public void verifyFinite(FlowLayer layer, NDArray x) {
    FlowPass pass = encoding(x);
    FlowOutput f = layer.forward(x, pass);
    assertAllFinite(layer, "forward output", f.value());
    assertAllFinite(layer, "forward log-det", f.logDet());
    if (pass.priorLogProb() != null) {
      assertAllFinite(layer, "prior log-likelihood of the factored-out latents", pass.priorLogProb());
    }
    FlowOutput b = layer.inverse(f.value(), sampling(f.value(), seed + 2));
    assertAllFinite(layer, "inverse output", b.value());
  }

  /** Asserts that inverse(forward(x)) = x within the tolerance; returns the largest error. */
  public double verifyRoundTrip(FlowLayer layer, NDArray x) {
    FlowPass encode = encoding(x);
    FlowOutput f = layer.forward(x, encode);
    FlowOutput back = layer.inverse(f.value(), encode.inverse());
    double err = Values.of(back.value().sub(x).abs().max())[0];
    assertTrue(err <= roundTripTolerance, layer.path() + ": round-trip error " + err + " > " + roundTripTolerance);
    return err;
  }

  /**
   * Asserts that a sampling pass, which need not compute log-dets, inverts to the same values as
   * an encoding pass; layers that factor out latents (and so sample them afresh) are exempt.
   */
  public void verifySamplingInverse(FlowLayer layer, NDArray x) {
    FlowPass encode = encoding(x);
    FlowOutput f = layer.forward(x, encode);
    if (!encode.latents().isEmpty()) {
      return;
    }
    double[] exact = Values.of(layer.inverse(f.value(), encode.inverse()).value());
    double[] sampled = Values.of(layer.inverse(f.value(), sampling(f.value(), seed + 3)).value());
    assertArrayEquals(exact, sampled, 0, layer.path() + ": a sampling pass inverts to other values than an encoding pass");
  }

  /** Asserts that the inverse's log-det is the negated forward log-det at the matching point. */
  public void verifyInverseLogDet(FlowLayer layer, NDArray x) {
    FlowPass encode = encoding(x);
    FlowOutput f = layer.forward(x, encode);
    FlowOutput b = layer.inverse(f.value(), encode.inverse());
    double[] fwd = Values.of(f.logDet());
    double[] inv = Values.of(b.logDet());
    for (int i = 0; i < fwd.length; i++) {
      assertEquals(-fwd[i], inv[i], 1e-4 * Math.max(1, Math.abs(fwd[i])),
          layer.path() + ": inverse log-det is not the negated forward log-det for sample " + i);
    }
  }

  /**
   * Asserts that the forward log-det equals log|det J| of the Jacobian of (output, factored-out
   * latents) with respect to the input, per sample; returns the brute-force values.
   */
  public double[] verifyLogDetAgainstJacobian(FlowLayer layer, NDArray x) {
    double[] brute = Jacobians.logAbsDet(xi -> {
      FlowPass pass = encoding(xi);
      return Jacobians.flatten(layer.forward(xi, pass).value(), pass);
    }, x);
    double[] claimed = Values.of(layer.forward(x, encoding(x)).logDet());
    for (int i = 0; i < brute.length; i++) {
      double tol = logDetTolerance * Math.max(1, Math.abs(brute[i]));
      assertEquals(brute[i], claimed[i], tol, layer.path() + ": log-det of sample " + i + " differs from the Jacobian's");
    }
    return brute;
  }

  /** Asserts that saving and loading the parameters into a fresh layer gives identical outputs. */
  public void verifySaveLoad(FlowLayer layer, NDArray x, NDManager manager) {
    FlowLayer copy = factory.get();
    copy.initialize(manager, dataType, copy.inputShape().batched(batch));
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      layer.saveParameters(new DataOutputStream(bytes));
      copy.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MalformedModelException e) {
      throw new AssertionError(layer.path() + ": saved parameters cannot be loaded: " + e.getMessage(), e);
    }
    for (Pair<String, Parameter> p : copy.getParameters()) {
      assertEquals(p.getValue().requiresGradient(), p.getValue().getArray().hasGradient(),
          layer.path() + ": after loading, " + p.getKey() + " must require a gradient exactly when it is trainable");
    }
    FlowPass passA = encoding(x);
    FlowPass passB = encoding(x);
    FlowOutput a = layer.forward(x, passA);
    FlowOutput b = copy.forward(x, passB);
    if (passA.priorLogProb() != null) {
      assertArrayEquals(Values.of(passA.priorLogProb()), Values.of(passB.priorLogProb()), 0,
          layer.path() + ": the prior log-likelihood changed after save/load");
    }
    assertArrayEquals(Values.of(a.value()), Values.of(b.value()), 0, layer.path() + ": output changed after save/load");
    assertArrayEquals(Values.of(a.logDet()), Values.of(b.logDet()), 0, layer.path() + ": log-det changed after save/load");
  }

  /**
   * Asserts that a frozen layer ({@link FlowLayer#freeze()}) gives exactly the outputs and
   * log-dets of the unfrozen layer, on first use and on reuse of its derived values, and that once
   * thawed it sees changed parameters. Perturbs the layer's parameters.
   */
  public void verifyFrozen(FlowLayer layer, NDArray x) {
    double[][] unfrozen = encodeAndDecode(layer, x);
    try (Frozen frozen = layer.freeze()) {
      for (String use : List.of("first", "repeated")) {
        assertSameParts(unfrozen, encodeAndDecode(layer, x),
            part -> layer.path() + ": the frozen layer's " + use + " " + part + " differs from the unfrozen layer's");
      }
    }
    assertFalse(layer.isFrozen(), layer.path() + ": still frozen after its handle was closed");
    randomize(layer, seed + 4, perturbation);
    double[][] changed = encodeAndDecode(layer, x);
    try (Frozen frozen = layer.freeze()) {
      assertSameParts(changed, encodeAndDecode(layer, x),
          part -> layer.path() + ": frozen again after a parameter change, its " + part + " is that of the old parameters");
    }
  }

  /** Asserts that each part of {@link #encodeAndDecode} is exactly as expected; {@code message} names the part. */
  private static void assertSameParts(double[][] expected, double[][] actual, UnaryOperator<String> message) {
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], 0, message.apply(ENCODED_PARTS.get(i)));
    }
  }

  private double[][] encodeAndDecode(FlowLayer layer, NDArray x) {
    FlowPass encode = encoding(x);
    FlowOutput f = layer.forward(x, encode);
    FlowOutput b = layer.inverse(f.value(), encode.inverse());
    return new double[][] {Values.of(f.value()), Values.of(f.logDet()), Values.of(b.value()), Values.of(b.logDet())};
  }

  /**
   * Asserts that a garbage collection between the forward and the backward pass leaves every
   * gradient unchanged. It fails for layers that multiply by a DJL scalar ({@code
   * NDArray.mul(Number)} and friends), whose buffer autograd reads after the collector freed it;
   * use {@link org.attnflow.api.math.FlowMath#scale} instead.
   */
  public void verifyGradientsSurviveGarbageCollection(FlowLayer layer, NDArray x) {
    verifyGradientsSurviveGarbageCollection(layer, x, () -> encoding(x));
  }

  /**
   * The same check in passes that {@code passes} makes, each afresh (for example training passes
   * with the same dropout noise, whose masks autograd keeps for the backward pass).
   */
  public void verifyGradientsSurviveGarbageCollection(FlowLayer layer, NDArray x, Supplier<FlowPass> passes) {
    double[] calm = gradients(layer, x, false, passes);
    double[] collected = gradients(layer, x, true, passes);
    assertArrayEquals(calm, collected, 0, layer.path() + ": gradients change when a garbage collection runs before backward");
    assertTrue(calm.length > 0, layer.path() + ": no gradient was computed");
  }

  private static double[] gradients(FlowLayer layer, NDArray x, boolean collectGarbage, Supplier<FlowPass> passes) {
    NDArray xi = x.duplicate();
    xi.setRequiresGradient(true);
    List<Parameter> params = new ArrayList<>();
    for (Pair<String, Parameter> p : layer.getParameters()) {
      if (p.getValue().requiresGradient()) {
        params.add(p.getValue());
        NDArray a = p.getValue().getArray();
        if (a.hasGradient()) {
          NDArray g = a.getGradient();
          g.subi(g);
        }
      }
    }
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      FlowPass pass = passes.get();
      FlowOutput out = layer.forward(xi, pass);
      NDArray loss = out.value().square().sum().add(out.logDet().sum());
      if (pass.priorLogProb() != null) {
        loss = loss.add(pass.priorLogProb().sum());
      }
      if (collectGarbage) {
        for (int i = 0; i < 3; i++) {
          System.gc();
        }
      }
      gc.backward(loss);
    }
    DoubleStream.Builder all = DoubleStream.builder();
    DoubleStream.of(Values.of(xi.getGradient())).forEach(all);
    for (Parameter p : params) {
      DoubleStream.of(Values.of(p.getArray().getGradient())).forEach(all);
    }
    return all.build().toArray();
  }

  private static void assertAllFinite(FlowLayer layer, String what, NDArray a) {
    double[] v = Values.of(a);
    for (int i = 0; i < v.length; i++) {
      int index = i;
      assertTrue(Double.isFinite(v[i]), () -> layer.path() + ": " + what + " is not finite at flat index " + index);
    }
  }
}
