package org.attnflow.data.format;

import static org.attnflow.data.TestFiles.gzip;
import static org.attnflow.data.TestFiles.idx;
import static org.attnflow.data.TestFiles.labels;
import static org.attnflow.data.TestFiles.numbered;
import static org.attnflow.data.TestFiles.quote;
import static org.attnflow.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.data.DatasetSplits;
import org.attnflow.data.DataFormatException;
import org.attnflow.data.TestFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idx dataset's optional label files: read beside the images, and one-line errors naming the file and offset. */
class IdxLabelReaderTest {
  @TempDir Path dir;
  private Path train;
  private Path test;

  @BeforeEach
  void writeImages() {
    train = write(dir.resolve("train-images.idx"), gzip(idx(5, 2, 2, numbered(5, 4))));
    test = write(dir.resolve("test-images.idx"), idx(2, 2, 2, numbered(2, 4)));
  }

  private DatasetSplits open(Path trainLabels, Path testLabels) {
    return TestFiles.openDataset("type = idx, train = " + quote(train) + ", test = " + quote(test)
        + ", train-labels = " + quote(trainLabels) + ", test-labels = " + quote(testLabels));
  }

  @Test
  void labelFilesAreReadBesideTheImages() {
    Path trainLabels = write(dir.resolve("train-labels.gz"), gzip(labels(5, 0, 9, 3, 3, 1)));
    Path testLabels = write(dir.resolve("test-labels.idx"), labels(2, 7, 2));

    DatasetSplits splits = open(trainLabels, testLabels);

    assertArrayEquals(new int[] {0, 9, 3, 3, 1}, splits.train().labels().orElseThrow().values());
    assertArrayEquals(new int[] {7, 2}, splits.test().labels().orElseThrow().values());
    assertEquals(10, splits.test().labels().orElseThrow().classes());
  }

  @Test
  void classNamesNameTheLabelsInOrder() {
    Path trainLabels = write(dir.resolve("train-labels.idx"), labels(5, 0, 1, 2, 1, 0));
    Path testLabels = write(dir.resolve("test-labels.idx"), labels(2, 2, 1));

    DatasetSplits splits = TestFiles.openDataset("type = idx, train = " + quote(train) + ", test = " + quote(test)
        + ", train-labels = " + quote(trainLabels) + ", test-labels = " + quote(testLabels)
        + ", classes = 3, class-names = [shirt, bag, \"ankle boot\"]");

    assertEquals(List.of("shirt", "bag", "ankle boot"), splits.test().labels().orElseThrow().names());
  }

  @Test
  void classNamesMustBeOnePerClass() {
    String message = assertThrows(ConfigError.class, () -> TestFiles.openDataset("type = idx, train = " + quote(train)
        + ", test = " + quote(test) + ", classes = 3, class-names = [shirt, bag]")).getMessage();

    assertTrue(message.contains("data.dataset.class-names: expected 3 names, one per class (the classes key), found 2"), message);
  }

  @Test
  void withoutLabelKeysThereAreNoLabels() {
    DatasetSplits splits = TestFiles.openDataset("type = idx, train = " + quote(train) + ", test = " + quote(test));

    assertFalse(splits.train().labels().isPresent());
  }

  @Test
  void aCountOtherThanTheImagesNamesBothFilesAndTheOffset() {
    Path trainLabels = write(dir.resolve("train-labels.idx"), labels(4, 0, 1, 2, 3));
    Path testLabels = write(dir.resolve("test-labels.idx"), labels(2, 7, 2));

    String message = assertThrows(DataFormatException.class, () -> open(trainLabels, testLabels)).getMessage();

    assertEquals(trainLabels + ": byte offset 4: expected 5 labels, one per image of " + train + ", found 4", message);
  }

  @Test
  void aLabelOutsideTheClassesNamesItsOffset() {
    Path trainLabels = write(dir.resolve("train-labels.gz"), gzip(labels(5, 0, 1, 2, 10, 4)));
    Path testLabels = write(dir.resolve("test-labels.idx"), labels(2, 7, 2));

    String message = assertThrows(DataFormatException.class, () -> open(trainLabels, testLabels)).getMessage();

    assertEquals(trainLabels + ": byte offset 11 of the decompressed data: label 10 of image 3 is not one of the 10 classes"
        + " 0..9 (the dataset's classes key)", message);
  }

  @Test
  void anImageFileGivenAsLabelsIsRefusedByItsMagicNumber() {
    Path testLabels = write(dir.resolve("test-labels.idx"), labels(2, 7, 2));

    String message = assertThrows(DataFormatException.class, () -> open(train, testLabels)).getMessage();

    assertEquals(train + ": byte offset 0 of the decompressed data: expected the magic number 0x00000801"
        + " (IDX labels: unsigned bytes, 1 dimension), found 0x00000803", message);
  }

  @Test
  void truncatedAndOverlongLabelFilesNameTheOffset() {
    Path trainLabels = write(dir.resolve("train-labels.idx"), Arrays.copyOf(labels(5, 0, 1, 2, 3, 4), 11));
    Path testLabels = write(dir.resolve("test-labels.idx"), Arrays.copyOf(labels(2, 7, 2), 12));
    Path goodTrain = write(dir.resolve("good-train-labels.idx"), labels(5, 0, 1, 2, 3, 4));

    String truncated = assertThrows(DataFormatException.class, () -> open(trainLabels, testLabels)).getMessage();
    String overlong = assertThrows(DataFormatException.class, () -> open(goodTrain, testLabels)).getMessage();

    assertEquals(trainLabels + ": truncated: the data ends at byte offset 11; expected 5 bytes of 5 labels from offset 8,"
        + " found 3", truncated);
    assertEquals(testLabels + ": byte offset 10: expected the end of the file after 2 labels, found more data", overlong);
  }

  @Test
  void oneLabelFileWithoutTheOtherNamesTheMissingKey() {
    Path trainLabels = write(dir.resolve("train-labels.idx"), labels(5, 0, 1, 2, 3, 4));

    String message = assertThrows(ConfigError.class, () -> TestFiles.openDataset("type = idx, train = " + quote(train)
        + ", test = " + quote(test) + ", train-labels = " + quote(trainLabels))).getMessage();

    assertTrue(message.contains("data.dataset.test-labels: expected a label file: train-labels and test-labels are set"
        + " together or not at all"), message);
  }
}
