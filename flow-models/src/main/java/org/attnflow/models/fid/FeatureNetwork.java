package org.attnflow.models.fid;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import org.attnflow.api.FlowException;
import org.attnflow.models.Images;

/**
 * A feature network that maps a batch of images to one feature vector per image: a TorchScript
 * module run by DJL's PyTorch engine, or this project's own {@link CnnClassifier}, chosen by the
 * file. Its input is float32 (N, C, H, W) with values p/255 in [0, 1]
 * ({@link Images#toUnitInterval}), at the channel count and size of the model's images; the
 * network resizes and normalises them itself. Its output must be one array (N, D).
 *
 * <p>A TorchScript module's name is the one it declares in the extra file {@value #NAME_ENTRY}
 * of its archive ({@code torch.jit.save(module, file, _extra_files={"attnflow.name": NAME})}),
 * else the file name without its extension; a classifier's is the one in its manifest. Scores
 * are called "FID" only when a TorchScript module declares {@value #PYTORCH_FID_INCEPTION},
 * which states that the file is the export of pytorch-fid's Inception-v3 that docs/fid.md
 * describes; any other network's score is "FD_" + its name.
 */
public final class FeatureNetwork implements AutoCloseable {
  /** The extra file of a TorchScript archive that holds the network's declared name. */
  public static final String NAME_ENTRY = "attnflow.name";
  /** The declared name that makes a score an FID: pytorch-fid's Inception-v3, 2048 pool features. */
  public static final String PYTORCH_FID_INCEPTION = "inception-v3-pytorch-fid";
  /** More features than this would need a covariance of over 2 GB: the output is surely not a feature vector. */
  static final int MAX_FEATURES = 16384;
  /** What a network's name may be: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
  static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

  private final Path file;
  private final String name;
  private final boolean declared;
  private final String sha256;
  private final Extractor extractor;
  private int dimension = -1;
  private String dimensionSource = "an earlier batch";

  /** What differs between the file formats: running a batch through the network. */
  private interface Extractor extends AutoCloseable {
    /** The network's outputs for images (N, C, H, W) with values p/255. */
    NDList forward(NDArray images, NDManager manager);

    @Override
    void close();
  }

  private FeatureNetwork(Path file, String name, boolean declared, String sha256, Extractor extractor) {
    this.file = file;
    this.name = name;
    this.declared = declared;
    this.sha256 = sha256;
    this.extractor = extractor;
  }

  /** Loads the TorchScript module or the classifier of this project in {@code file} onto {@code device}. */
  public static FeatureNetwork load(Path file, Device device) {
    if (!Files.isRegularFile(file)) {
      throw new FlowException(file + ": no such feature network file");
    }
    String checksum = sha256(file);
    return CnnClassifier.isClassifier(file) ? classifier(file, checksum, device) : torchScript(file, checksum, device);
  }

  /** A classifier's features; its name never makes an FID. */
  private static FeatureNetwork classifier(Path file, String checksum, Device device) {
    CnnClassifier.WithManifest loaded = CnnClassifier.load(file, device);
    CnnClassifier classifier = loaded.classifier();
    String name = loaded.manifest().name();
    if (!NAME.matcher(name).matches()) {
      classifier.close();
      throw new FlowException(file + ": the manifest's name \"" + name + "\" must be 1 to 64 letters, digits, '.', '_' or '-',"
          + " starting with a letter or digit");
    }
    return new FeatureNetwork(file, name, false, checksum, new Extractor() {
      @Override
      public NDList forward(NDArray images, NDManager manager) {
        Shape expected = classifier.architecture().input().batched((int) images.getShape().get(0));
        if (!images.getShape().equals(expected)) {
          throw new FlowException(file + ": the classifier takes images of " + classifier.architecture().input()
              + ", found images of shape " + images.getShape().slice(1) + " (train it on data padded as the run's)");
        }
        return new NDList(classifier.features(images, false));
      }

      @Override
      public void close() {
        classifier.close();
      }
    });
  }

  private static FeatureNetwork torchScript(Path file, String checksum, Device device) {
    Model model = Model.newInstance("features", device, "PyTorch");
    try {
      model.load(file, null, Map.of("extraFiles", NAME_ENTRY));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new FlowException(file + ": not a TorchScript module the PyTorch engine can load: " + firstLine(e), e);
    }
    String declaredName = model.getProperty(NAME_ENTRY, "").strip();
    if (!declaredName.isEmpty() && !NAME.matcher(declaredName).matches()) {
      model.close();
      throw new FlowException(file + ": the declared name \"" + declaredName + "\" in " + NAME_ENTRY
          + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    String name = declaredName.isEmpty() ? stem(file) : declaredName;
    return new FeatureNetwork(file, name, !declaredName.isEmpty(), checksum, new Extractor() {
      @Override
      public NDList forward(NDArray images, NDManager manager) {
        return model.getBlock().forward(new ParameterStore(manager, false), new NDList(images), false);
      }

      @Override
      public void close() {
        model.close();
      }
    });
  }

  /**
   * The score's name for a network called {@code name}: "FID" only for a pytorch-fid Inception
   * that a TorchScript module {@code declared}.
   */
  static String metric(String name, boolean declared) {
    return declared && name.equals(PYTORCH_FID_INCEPTION) ? "FID" : "FD_" + name;
  }

  /** The file it was loaded from. */
  public Path file() {
    return file;
  }

  /** Its name: declared in the archive, else the file name's stem. */
  public String name() {
    return name;
  }

  /** The SHA-256 checksum of its file, in hex. */
  public String sha256() {
    return sha256;
  }

  /** The name of a score computed with it: "FID" or "FD_" + name. */
  public String metric() {
    return metric(name, declared);
  }

  /**
   * Requires {@code dimension} features per image from now on, the number of {@code source} (for
   * example "the reference statistics in FILE"), which a mismatch names.
   */
  public void requireDimension(int dimension, String source) {
    this.dimension = dimension;
    this.dimensionSource = source;
  }

  /** The features of {@code images}: N vectors of D values, one after another. */
  public float[] features(Images images, NDManager manager) {
    int n = images.count();
    try (NDScope scope = new NDScope()) {
      NDList out;
      try {
        out = extractor.forward(images.toUnitInterval(manager), manager);
      } catch (FlowException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new FlowException(file + ": the network failed on " + n + " images of " + images.shape() + ": " + firstLine(e), e);
      }
      if (out.size() != 1) {
        throw new FlowException(file + ": the network returned " + out.size()
            + " arrays; expected one array holding one feature vector per image, (" + n + ", D)");
      }
      NDArray features = out.get(0);
      Shape shape = features.getShape();
      if (shape.dimension() != 2 || shape.get(0) != n || shape.get(1) < 1) {
        throw new FlowException(file + ": the network returned shape " + shape + " for " + n
            + " images; expected one feature vector per image, (" + n + ", D)");
      }
      if (shape.get(1) > MAX_FEATURES) {
        throw new FlowException(file + ": the network returned " + shape.get(1) + " features per image; at most "
            + MAX_FEATURES + " are supported (their covariance is held in memory)");
      }
      if (dimension >= 0 && shape.get(1) != dimension) {
        throw new FlowException(file + ": the network returned " + shape.get(1) + " features per image, but "
            + dimensionSource + " has " + dimension);
      }
      dimension = (int) shape.get(1);
      float[] values = features.toType(DataType.FLOAT32, false).toFloatArray();
      for (float v : values) {
        if (!Float.isFinite(v)) {
          throw new FlowException(file + ": the network returned a non-finite feature (" + v + ") for images of " + images.shape());
        }
      }
      return values;
    }
  }

  /** The mean and covariance of the features of every batch; two images or more in all. */
  public FeatureStatistics statistics(Iterator<Images> batches, NDManager manager) {
    FeatureMoments moments = null;
    while (batches.hasNext()) {
      Images batch = batches.next();
      float[] features = features(batch, manager);
      if (moments == null) {
        moments = new FeatureMoments(dimension);
      }
      moments.add(features, batch.count());
    }
    if (moments == null || moments.count() < 2) {
      throw new FlowException("feature statistics need two images or more, found " + (moments == null ? 0 : moments.count()));
    }
    return moments.statistics();
  }

  @Override
  public void close() {
    extractor.close();
  }

  private static String stem(Path file) {
    String base = file.getFileName().toString().replaceFirst("\\.(pt|pth|torchscript|ts)$", "");
    String cleaned = base.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[._-]+", "");
    return cleaned.isEmpty() ? "network" : cleaned.substring(0, Math.min(64, cleaned.length()));
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new FlowException(file + ": cannot read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage()).strip();
    int end = m.indexOf('\n');
    return end < 0 ? m : m.substring(0, end).strip();
  }
}
