package org.attnflow.models.fid;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.attnflow.api.FlowException;
import org.attnflow.api.Init;
import org.attnflow.models.run.AtomicFiles;

/**
 * This project's feature classifier ({@link CnnArchitecture}) with its parameters, in a manager of
 * its own. It is saved as one zip archive holding its manifest ({@value #MANIFEST_ENTRY}, JSON)
 * and its parameters in DJL's format ({@value #PARAMETERS_ENTRY}); {@link FeatureNetwork} tells
 * it from a TorchScript archive by the manifest entry.
 */
public final class CnnClassifier implements AutoCloseable {
  /** The archive entry holding the manifest. */
  static final String MANIFEST_ENTRY = "attnflow-classifier.json";
  /** The archive entry holding the parameters. */
  static final String PARAMETERS_ENTRY = "parameters";

  private final CnnArchitecture architecture;
  private final NDManager manager;
  private final SequentialBlock features;
  private final SequentialBlock head;

  private CnnClassifier(CnnArchitecture architecture, NDManager manager, Initializer weights) {
    this.architecture = architecture;
    this.manager = manager;
    this.features = architecture.featureBlock();
    this.head = architecture.head();
    features.setInitializer(weights, Parameter.Type.WEIGHT);
    head.setInitializer(weights, Parameter.Type.WEIGHT);
    features.initialize(manager, DataType.FLOAT32, architecture.input().batched(1));
    head.initialize(manager, DataType.FLOAT32, new Shape(1, architecture.features()));
  }

  /** A classifier with He-normal weights drawn from {@code seed} and zero biases, on {@code device}. */
  public static CnnClassifier create(CnnArchitecture architecture, long seed, Device device) {
    Random seeds = new Random(seed);
    Initializer heNormal = (manager, shape, type) ->
        Init.normal(seeds.nextLong(), Math.sqrt(2.0 * shape.get(0) / shape.size())).initialize(manager, shape, type);
    return new CnnClassifier(architecture, NDManager.newBaseManager(device), heNormal);
  }

  /** Its architecture. */
  public CnnArchitecture architecture() {
    return architecture;
  }

  /** The manager its parameters live in. */
  public NDManager manager() {
    return manager;
  }

  /** Its parameters, in a fixed order. */
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (SequentialBlock block : List.of(features, head)) {
      for (Pair<String, Parameter> p : block.getParameters()) {
        out.add(p.getValue());
      }
    }
    return out;
  }

  /** The features (N, features) of {@code images} (N, C, H, W) with values p/255. */
  public NDArray features(NDArray images, boolean training) {
    return features.forward(new ParameterStore(manager, false), new NDList(images), training).singletonOrThrow();
  }

  /** The class logits (N, classes) of {@code images}. */
  public NDArray logits(NDArray images, boolean training) {
    return head.forward(new ParameterStore(manager, false), new NDList(features(images, training)), training).singletonOrThrow();
  }

  /** Writes the classifier with {@code manifest} to {@code file}, atomically. */
  public void save(Path file, ClassifierManifest manifest) {
    AtomicFiles.write(file, out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      zip.putNextEntry(new ZipEntry(MANIFEST_ENTRY));
      zip.write(manifest.toJson().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(PARAMETERS_ENTRY));
      DataOutputStream data = new DataOutputStream(zip);
      features.saveParameters(data);
      head.saveParameters(data);
      data.flush();
      zip.closeEntry();
      zip.finish();
    });
  }

  /** Whether {@code file} is a zip archive holding a classifier's manifest (a TorchScript archive is not). */
  static boolean isClassifier(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return zip.getEntry(MANIFEST_ENTRY) != null;
    } catch (ZipException notZip) {
      return false;
    } catch (IOException e) {
      throw new FlowException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * A classifier with its manifest.
   *
   * @param classifier the classifier
   * @param manifest what it says about itself
   */
  public record WithManifest(CnnClassifier classifier, ClassifierManifest manifest) {}

  /** Reads the classifier saved in {@code file} onto {@code device}. */
  static WithManifest load(Path file, Device device) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ClassifierManifest manifest;
      try (InputStream in = zip.getInputStream(entry(zip, file, MANIFEST_ENTRY))) {
        manifest = ClassifierManifest.fromJson(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      CnnClassifier classifier = new CnnClassifier(manifest.architecture(), NDManager.newBaseManager(device), Initializer.ZEROS);
      try (DataInputStream in = new DataInputStream(zip.getInputStream(entry(zip, file, PARAMETERS_ENTRY)))) {
        classifier.features.loadParameters(classifier.manager, in);
        classifier.head.loadParameters(classifier.manager, in);
        if (in.read() >= 0) {
          throw new FlowException(file + ": the entry " + PARAMETERS_ENTRY + " holds more than the parameters of its manifest's architecture");
        }
      } catch (IOException | MalformedModelException | RuntimeException e) {
        classifier.close();
        throw e instanceof FlowException flow ? flow
            : new FlowException(file + ": the parameters do not fit the manifest's architecture: " + e.getMessage(), e);
      }
      return new WithManifest(classifier, manifest);
    } catch (IOException e) {
      throw new FlowException(file + ": cannot read the feature classifier: " + e.getMessage(), e);
    }
  }

  private static ZipEntry entry(ZipFile zip, Path file, String name) {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      throw new FlowException(file + ": a feature classifier archive without its entry " + name);
    }
    return entry;
  }

  @Override
  public void close() {
    manager.close();
  }
}
