package org.attnflow.cli.common;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.attnflow.api.FlowException;
import org.attnflow.api.config.Settings;
import org.attnflow.api.io.Npz;
import org.attnflow.api.registry.Registry;
import org.attnflow.data.DatasetImages;
import org.attnflow.models.Images;
import org.attnflow.models.fid.FeatureNetwork;
import org.attnflow.models.fid.FeatureStatistics;
import org.attnflow.models.run.AtomicFiles;

/**
 * The statistics real images are summarised by for a Fréchet distance: read from a {@code .npz}
 * file the user names, or computed from every image of the run's training or test split and
 * cached. A cache file is keyed by the split's padded pixels (their SHA-256), the split, the
 * preprocessing and the network's checksum; it lives next to the dataset, or in
 * {@code $XDG_CACHE_HOME/attnflow/fid-stats} (default {@code ~/.cache/...}) when that folder is
 * not writable, and is written atomically. Besides {@code mu} and {@code sigma} it holds
 * {@code network_sha256}, so a file computed with another network is refused. Shared by the fid
 * command and the scoring of samples during training ({@link TrainingScorer}).
 *
 * @param statistics the mean and covariance
 * @param reference what the user asked for: train, test or the file
 * @param file the file they were read from or cached in
 */
public record ReferenceStatistics(FeatureStatistics statistics, String reference, Path file) {
  /** The entry recording the checksum of the network that computed the statistics. */
  static final String NETWORK_SHA256 = "network_sha256";

  /**
   * The statistics {@code reference} (train, test or a file) names, for {@code network}, with the
   * split read from the dataset of the run's resolved {@code data} block; from now on the network
   * must give as many features as they have.
   */
  public static ReferenceStatistics resolve(String reference, FeatureNetwork network, Settings data, Registry registry,
      NDManager manager, int batchSize) {
    ReferenceStatistics resolved = resolveUnchecked(reference, network, data, registry, manager, batchSize);
    network.requireDimension(resolved.statistics().dimension(), resolved.describe());
    return resolved;
  }

  private static ReferenceStatistics resolveUnchecked(String reference, FeatureNetwork network, Settings data, Registry registry,
      NDManager manager, int batchSize) {
    if (!reference.equals("train") && !reference.equals("test")) {
      Path file = Path.of(reference);
      if (!Files.isRegularFile(file)) {
        throw new FlowException(file + ": no such statistics file (--reference takes train, test or a .npz file)");
      }
      return new ReferenceStatistics(read(file, network), reference, file);
    }
    DatasetImages images = DatasetImages.open(data, registry, reference);
    String name = "attnflow-fid-" + reference + "-" + network.name() + "-" + key(images, network).substring(0, 16) + ".npz";
    Path beside = images.folder().resolve(name);
    Path fallback = cacheFolder().resolve(name);
    for (Path cached : new Path[] {beside, fallback}) {
      if (Files.isRegularFile(cached)) {
        return new ReferenceStatistics(read(cached, network), reference, cached);
      }
    }
    FeatureStatistics statistics = network.statistics(batches(images, batchSize), manager);
    return new ReferenceStatistics(statistics, reference, write(statistics, network, beside, fallback));
  }

  /** "train (FILE)" for a split and its cache file, "FILE" for a file the user named. */
  public String label() {
    return reference.equals(file.toString()) ? reference : reference + " (" + file + ")";
  }

  /** "the reference statistics in FILE", for messages. */
  public String describe() {
    return "the reference statistics in " + file;
  }

  private static FeatureStatistics read(Path file, FeatureNetwork network) {
    Map<String, Npz.Array> arrays = Npz.read(file);
    FeatureStatistics statistics = FeatureStatistics.fromNpz(file, arrays);
    Npz.Array recorded = arrays.get(NETWORK_SHA256);
    if (recorded != null && recorded.type() == Npz.Type.UINT8) {
      String sha = new String(recorded.bytes(), StandardCharsets.US_ASCII);
      if (!sha.equals(network.sha256())) {
        throw new FlowException(file + ": these statistics were computed with the feature network of sha256 " + sha
            + ", not with " + network.file() + " (sha256 " + network.sha256() + ")");
      }
    }
    return statistics;
  }

  /** Writes beside the dataset, else in the cache folder; returns where. */
  private static Path write(FeatureStatistics statistics, FeatureNetwork network, Path beside, Path fallback) {
    Map<String, Npz.Array> arrays = statistics.toNpz();
    byte[] sha = network.sha256().getBytes(StandardCharsets.US_ASCII);
    arrays.put(NETWORK_SHA256, Npz.Array.ofBytes(new int[] {sha.length}, sha));
    try {
      AtomicFiles.write(beside, out -> Npz.write(out, arrays));
      return beside;
    } catch (FlowException notWritable) {
      AtomicFiles.write(fallback, out -> Npz.write(out, arrays));
      return fallback;
    }
  }

  /** The SHA-256 of everything the statistics depend on, in hex. */
  private static String key(DatasetImages images, FeatureNetwork network) {
    String key = "attnflow fid reference 1; images sha256 " + images.sha256() + "; split " + images.split()
        + "; preprocessing " + images.preprocessing() + ", pixels/255 as float32 NCHW; network sha256 " + network.sha256();
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static Path cacheFolder() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("attnflow").resolve("fid-stats");
  }

  private static Iterator<Images> batches(DatasetImages images, int batchSize) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < images.count();
      }

      @Override
      public Images next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int size = Math.min(batchSize, images.count() - next);
        Images batch = new Images(images.pixels(next, size), size, images.shape());
        next += size;
        return batch;
      }
    };
  }
}
