package org.attnflow.data.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.config.Settings;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.api.data.Labels;
import org.attnflow.api.spi.BasicPlugin;
import org.attnflow.api.spi.BuildContext;
import org.attnflow.api.spi.DatasetProvider;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.memory.ChunkedPixels;

/**
 * The {@code cifar10} dataset: the binary version of CIFAR-10 (data_batch_1..5.bin, test_batch.bin),
 * labelled, with the class names of batches.meta.txt when the folder has it.
 */
public final class Cifar10DatasetProvider extends BasicPlugin<DatasetSplits> implements DatasetProvider {
  private static final List<String> TRAIN_FILES =
      List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  private static final String TEST_FILE = "test_batch.bin";
  private static final String NAMES_FILE = "batches.meta.txt";
  /** The class names of CIFAR-10 in label order, as its batches.meta.txt lists them. */
  private static final List<String> CLASS_NAMES =
      List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  /** Declares the {@code cifar10} dataset and its documented keys. */
  public Cifar10DatasetProvider() {
    super("cifar10", "CIFAR-10 binary batches, 3×32×32", """
        # The folder holding data_batch_1.bin … data_batch_5.bin (training) and test_batch.bin (test),
        # as unpacked from cifar-10-binary.tar.gz. A relative path starts at the directory of the
        # configuration file that sets it.
        dir = "cifar-10-batches-bin"
        """);
  }

  @Override
  public DatasetSplits create(BuildContext context) {
    Settings settings = context.settings();
    Path dir = DatasetPaths.existingFolder(settings, "dir");
    List<String> names = classNames(dir.resolve(NAMES_FILE));
    return new DatasetSplits(
        Cifar10Reader.read(dir.resolve("data_batch_[1-5].bin").toString(), files(settings, dir, TRAIN_FILES), names,
            ChunkedPixels.CHUNK_BYTES),
        Cifar10Reader.read(dir.resolve(TEST_FILE).toString(), files(settings, dir, List.of(TEST_FILE)), names,
            ChunkedPixels.CHUNK_BYTES));
  }

  /** The class names of {@code file}, one per non-blank line, or CIFAR-10's own when there is no such file. */
  private static List<String> classNames(Path file) {
    if (!Files.isRegularFile(file)) {
      return CLASS_NAMES;
    }
    List<String> names;
    try {
      names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read the class names: " + e.getMessage(), e);
    }
    if (names.size() != CLASS_NAMES.size()) {
      throw new DataFormatException(file, "expected " + CLASS_NAMES.size() + " distinct class names, one per line, found "
          + names.size() + " lines: " + names);
    }
    Optional<String> problem = Labels.problemWith(names);
    if (problem.isPresent()) {
      throw new DataFormatException(file, problem.get());
    }
    return names;
  }

  private static List<Path> files(Settings settings, Path dir, List<String> names) {
    List<Path> files = new ArrayList<>();
    for (String name : names) {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        throw settings.error("dir", "expected the CIFAR-10 file " + name + " in " + dir + ", found no file " + file);
      }
      files.add(file);
    }
    return files;
  }
}
