package org.attnflow.data;

import static org.attnflow.data.TestFiles.idx;
import static org.attnflow.data.TestFiles.labels;
import static org.attnflow.data.TestFiles.numbered;
import static org.attnflow.data.TestFiles.pixel;
import static org.attnflow.data.TestFiles.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.attnflow.api.ImageShape;
import org.attnflow.api.config.ConfigError;
import org.attnflow.api.data.Batch;
import org.attnflow.api.data.BatchStream;
import org.attnflow.api.data.DataPipeline;
import org.attnflow.api.registry.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline over small IDX files: 10 training and 7 test images of 3×4 where image i starts at pixel value 20·i. */
class DataPipelineTest {
  private static final int ROWS = 3;
  private static final int COLUMNS = 4;
  @TempDir Path dir;
  private Path train;
  private Path test;

  @BeforeEach
  void writeImages() {
    train = TestFiles.write(dir.resolve("train.idx"), TestFiles.gzip(idx(10, ROWS, COLUMNS, numbered(10, ROWS * COLUMNS))));
    test = TestFiles.write(dir.resolve("test.idx"), idx(7, ROWS, COLUMNS, numbered(7, ROWS * COLUMNS)));
  }

  @Test
  void referenceDefaultsApplyToAbsentKeys() {
    DataPipeline pipeline = pipeline("");

    assertEquals(new ImageShape(1, ROWS + 4, COLUMNS + 4), pipeline.shape(), "pad = 2 from reference.conf");
    assertEquals(7, pipeline.testSize());
  }

  @Test
  void trainingBatchesAreDequantisedPaddedImages() {
    DataPipeline pipeline = pipeline("pad = 2");
    int h = ROWS + 4;
    int w = COLUMNS + 4;
    Batch batch;
    try (BatchStream stream = pipeline.train(4, 0, 0)) {
      batch = stream.next();
    }

    assertEquals(4, batch.size());
    assertEquals(new ImageShape(1, h, w), batch.shape());
    assertEquals(4 * h * w, batch.values().length);
    Set<Float> distinct = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      int image = imageAt(batch, i, 2);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float value = batch.values()[i * h * w + y * w + x];
          assertTrue(value >= -0.5f && value < 0.5f, "value " + value);
          boolean inside = y >= 2 && y < 2 + ROWS && x >= 2 && x < 2 + COLUMNS;
          int expected = inside ? image * 20 + (y - 2) * COLUMNS + (x - 2) : 0;
          assertEquals(expected, pixel(value), "image " + image + " at " + x + "," + y);
          distinct.add(value - Math.round(value * 256) / 256f);
        }
      }
    }
    assertTrue(distinct.size() > 100, "fresh noise for each value, found " + distinct.size() + " distinct offsets");
  }

  @Test
  void everyEpochVisitsEveryImageOnceInANewOrder() {
    List<Integer> order = trainingImages(pipeline("pad = 0"), 4, 5, 3);

    List<Integer> first = order.subList(0, 10);
    List<Integer> second = order.subList(10, 20);
    assertEquals(allImages(10), new HashSet<>(first));
    assertEquals(allImages(10), new HashSet<>(second));
    assertFalse(first.equals(second), "epochs are shuffled independently: " + order);
  }

  @Test
  void batchesArePureFunctionsOfSeedAndIndex() {
    DataPipeline pipeline = pipeline("pad = 1, flip = true, shift = 1");

    List<float[]> run = batches(pipeline, 3, 42, 0, 12);
    List<float[]> again = batches(pipeline, 3, 42, 0, 12);
    List<float[]> resumed = batches(pipeline, 3, 42, 5, 7);
    List<float[]> otherSeed = batches(pipeline, 3, 43, 0, 1);

    for (int b = 0; b < 12; b++) {
      assertArrayEquals(run.get(b), again.get(b), "batch " + b);
    }
    for (int b = 5; b < 12; b++) {
      assertArrayEquals(run.get(b), resumed.get(b - 5), "resumed batch " + b);
    }
    assertFalse(Arrays.equals(run.get(0), otherSeed.get(0)));
  }

  @Test
  void flipMirrorsRowsOfAKnownImage() {
    // One image 1×2×3: rows (10 20 30) and (40 50 60).
    DataPipeline pipeline = tinyPipeline(2, 3, new byte[] {10, 20, 30, 40, 50, 60}, "flip = true");
    Set<String> seen = new HashSet<>();

    for (int[] image : tinyImages(pipeline, 6)) {
      String text = Arrays.toString(image);
      assertTrue(text.equals("[10, 20, 30, 40, 50, 60]") || text.equals("[30, 20, 10, 60, 50, 40]"), text);
      seen.add(text);
    }
    assertEquals(2, seen.size(), "both orientations occur");
  }

  @Test
  void shiftMovesAKnownImageRepeatingItsEdges() {
    // One image 1×3×3 with distinct pixels; every output must be one of the 9 shifts by (dx, dy) ∈ [−1, 1]².
    byte[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    DataPipeline pipeline = tinyPipeline(3, 3, image, "shift = 1");
    List<String> shifts = new ArrayList<>();
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        int[] shifted = new int[9];
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 3; x++) {
            shifted[y * 3 + x] = image[clamp(y - dy) * 3 + clamp(x - dx)];
          }
        }
        shifts.add(Arrays.toString(shifted));
      }
    }
    Set<String> seen = new HashSet<>();

    for (int[] out : tinyImages(pipeline, 9)) {
      assertTrue(shifts.contains(Arrays.toString(out)), Arrays.toString(out));
      seen.add(Arrays.toString(out));
    }
    assertTrue(seen.size() >= 7, "most shifts occur: " + seen);
  }

  @Test
  void testStreamCoversEachImageOnceInOrder() {
    DataPipeline pipeline = pipeline("pad = 0");
    List<Integer> sizes = new ArrayList<>();
    List<Integer> images = new ArrayList<>();

    try (BatchStream stream = pipeline.test(3, 0, 0)) {
      for (Batch batch = stream.next(); batch != null; batch = stream.next()) {
        sizes.add(batch.size());
        assertEquals(batch.size() * ROWS * COLUMNS, batch.values().length);
        for (int i = 0; i < batch.size(); i++) {
          images.add(imageAt(batch, i, 0));
        }
      }
      assertNull(stream.next(), "the stream stays ended");
    }

    assertEquals(List.of(3, 3, 1), sizes);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), images);
  }

  @Test
  void testNoiseDependsOnSeedAndImageOnly() {
    DataPipeline pipeline = pipeline("pad = 0");

    float[] inTwos = concat(testBatches(pipeline, 2, 5, 0));
    float[] inOne = concat(testBatches(pipeline, 7, 5, 0));
    float[] otherSeed = concat(testBatches(pipeline, 7, 6, 0));
    List<Batch> limited = new ArrayList<>();
    try (BatchStream stream = pipeline.test(2, 5, 5)) {
      for (Batch batch = stream.next(); batch != null; batch = stream.next()) {
        limited.add(batch);
      }
    }

    assertArrayEquals(inOne, inTwos);
    assertFalse(Arrays.equals(inOne, otherSeed));
    int d = ROWS * COLUMNS;
    for (Batch batch : limited) {
      for (int i = 0; i < batch.size(); i++) {
        int image = imageAt(batch, i, 0);
        assertArrayEquals(Arrays.copyOfRange(inOne, image * d, (image + 1) * d), Arrays.copyOfRange(batch.values(), i * d, (i + 1) * d),
            "image " + image + " has the same noise in a subset");
      }
    }
  }

  @Test
  void aTestSubsetIsTheSameUniformSampleForEverySeedAndCoversGroupsSortedInTheFile() {
    // 1,000 test images sorted into 10 groups of 100 (like a folder sorted by class): image i of
    // group g starts with the pixels 20·g and i
    byte[] sorted = new byte[1000 * ROWS * COLUMNS];
    for (int i = 0; i < 1000; i++) {
      sorted[i * ROWS * COLUMNS] = (byte) (20 * (i / 100));
      sorted[i * ROWS * COLUMNS + 1] = (byte) (i % 100);
    }
    test = TestFiles.write(dir.resolve("sorted.idx"), idx(1000, ROWS, COLUMNS, sorted));
    DataPipeline pipeline = pipeline("pad = 0");

    int[] groups = new int[10];
    for (float[] values : testBatches(pipeline, 64, 0, 200)) {
      for (int p = 0; p < values.length; p += ROWS * COLUMNS) {
        groups[pixel(values[p]) / 20]++;
      }
    }
    assertEquals(200, Arrays.stream(groups).sum());
    for (int g = 0; g < 10; g++) {
      // 20 expected per group; the hypergeometric standard deviation is 3.8
      assertTrue(groups[g] >= 8 && groups[g] <= 32, "group " + g + " has " + groups[g] + " of 200: " + Arrays.toString(groups));
    }
    List<Integer> first = sortedImages(pipeline, 200, 0);
    assertEquals(200, new HashSet<>(first).size(), "without replacement");
    assertEquals(first, sortedImages(pipeline, 200, 0), "the same subset every time");
    assertEquals(first, sortedImages(pipeline, 200, 9), "whatever the run's seed");
    assertTrue(first.containsAll(sortedImages(pipeline, 100, 0)), "a smaller subset lies inside a larger one");
  }

  @Test
  void batchesCarryTheLabelsOfTheirImagesAndThePipelineTheClassNames() {
    Path trainLabels = TestFiles.write(dir.resolve("train-labels.idx"), labels(10, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0));
    Path testLabels = TestFiles.write(dir.resolve("test-labels.idx"), labels(7, 2, 2, 1, 1, 0, 0, 2));
    int[] testLabelOf = {2, 2, 1, 1, 0, 0, 2};
    DataPipeline pipeline = pipeline("pad = 0, flip = true, shift = 1, dataset { train-labels = " + quote(trainLabels)
        + ", test-labels = " + quote(testLabels) + ", classes = 3, class-names = [cat, dog, owl] }");

    assertEquals(List.of("cat", "dog", "owl"), pipeline.classNames().orElseThrow());
    List<Batch> run = new ArrayList<>();
    List<Batch> resumed = new ArrayList<>();
    try (BatchStream stream = pipeline.train(4, 42, 0); BatchStream later = pipeline.train(4, 42, 3)) {
      for (int b = 0; b < 6; b++) {
        run.add(stream.next());
      }
      for (int b = 3; b < 6; b++) {
        resumed.add(later.next());
      }
    }
    for (int b = 0; b < 6; b++) {
      int[] classes = run.get(b).classes().orElseThrow();
      for (int i = 0; i < 4; i++) {
        assertEquals(imageAt(run.get(b), i, 0) % 3, classes[i], "batch " + b + " slot " + i);
      }
    }
    for (int b = 3; b < 6; b++) {
      assertArrayEquals(run.get(b).labels(), resumed.get(b - 3).labels(), "resumed batch " + b);
    }
    try (BatchStream stream = pipeline.test(2, 0, 5)) {
      for (Batch batch = stream.next(); batch != null; batch = stream.next()) {
        for (int i = 0; i < batch.size(); i++) {
          assertEquals(testLabelOf[imageAt(batch, i, 0)], batch.classes().orElseThrow()[i]);
        }
      }
    }
  }

  @Test
  void unlabelledDataHasNoClassNamesAndItsBatchesNoLabels() {
    DataPipeline pipeline = pipeline("pad = 0");

    assertTrue(pipeline.classNames().isEmpty());
    try (BatchStream stream = pipeline.train(4, 0, 0); BatchStream test = pipeline.test(4, 0, 0)) {
      assertTrue(stream.next().classes().isEmpty());
      assertTrue(test.next().classes().isEmpty());
    }
  }

  @Test
  void trainLimitKeepsTheFirstImages() {
    List<Integer> order = trainingImages(pipeline("pad = 0, train-limit = 3"), 3, 4, 0);

    assertEquals(Set.of(0, 1, 2), new HashSet<>(order));
    assertEquals(Set.of(0, 1, 2), new HashSet<>(order.subList(0, 3)));
  }

  @Test
  void relativeDatasetPathsStartAtTheConfigFile() {
    Path config = TestFiles.write(dir.resolve("configs/run.conf"),
        "data { pad = 0, dataset { type = idx, train = \"../train.idx\", test = \"../test.idx\" } }".getBytes());

    DataPipeline pipeline = DataPipelines.create(TestFiles.resolved(ConfigFactory.parseFile(config.toFile())), Registry.builtIn());

    assertEquals(new ImageShape(1, ROWS, COLUMNS), pipeline.shape());
  }

  @Test
  void invalidValuesAreConfigErrors() {
    String negative = assertThrows(ConfigError.class, () -> pipeline("prefetch = 0")).getMessage();
    assertTrue(negative.contains("data.prefetch: expected an integer ≥ 1, found 0"), negative);
  }

  @Test
  void gaussianNoiseCentresEachPixelAndAddsNoiseOfSigmaToTrainingAndTestImages() {
    DataPipeline pipeline = tinyPipeline(ROWS, COLUMNS, numbered(1, ROWS * COLUMNS), "noise { type = gaussian, sigma = 0.05 }");
    assertFalse(pipeline.dequantised());
    assertEquals("Gaussian noise σ = 0.05", pipeline.noise());
    List<float[]> all = new ArrayList<>(batches(pipeline, 40, 1, 0, 50));
    all.addAll(testBatches(pipeline, 1, 3, 0));
    double sum = 0;
    double squares = 0;
    long n = 0;
    for (float[] values : all) {
      for (int p = 0; p < values.length; p++) {
        double centre = ((p % (ROWS * COLUMNS)) + 0.5) / 256 - 0.5;
        double noise = values[p] - centre;
        sum += noise;
        squares += noise * noise;
        n++;
      }
    }
    double mean = sum / n;
    double std = Math.sqrt(squares / n - mean * mean);
    assertEquals(0, mean, 4 * 0.05 / Math.sqrt(n), "the noise must be centred on the pixel's centre");
    assertEquals(0.05, std, 0.002);
    double[] test = IntStream.range(0, ROWS * COLUMNS).mapToDouble(p -> all.get(all.size() - 1)[p] - ((p + 0.5) / 256 - 0.5)).toArray();
    assertTrue(Arrays.stream(test).anyMatch(v -> Math.abs(v) > 0.01), "test images get the noise too: " + Arrays.toString(test));
  }

  @Test
  void uniformDequantisationIsTheDefaultNoise() {
    DataPipeline pipeline = pipeline("");
    assertTrue(pipeline.dequantised());
    assertEquals("uniform dequantisation", pipeline.noise());
  }

  @Test
  void aBadNoiseBlockIsAConfigErrorAtItsKey() {
    String missing = assertThrows(ConfigError.class, () -> pipeline("noise { type = gaussian }")).getMessage();
    assertTrue(missing.contains("data.noise.type") && missing.contains("add sigma"), missing);
    String negative = assertThrows(ConfigError.class, () -> pipeline("noise { type = gaussian, sigma = -0.1 }")).getMessage();
    assertTrue(negative.contains("data.noise.sigma: expected a finite σ > 0, found -0.1"), negative);
    String stray = assertThrows(ConfigError.class, () -> pipeline("noise { type = uniform, sigma = 0.1 }")).getMessage();
    assertTrue(stray.contains("data.noise.sigma") && stray.contains("unknown key"), stray);
    String unknown = assertThrows(ConfigError.class, () -> pipeline("noise { type = laplace }")).getMessage();
    assertTrue(unknown.contains("data.noise.type"), unknown);
    assertEquals(0.05, DataPipelines.gaussianSigma(TestFiles.dataBlock("data { noise { type = gaussian, sigma = 0.05 } }")).getAsDouble());
    assertTrue(DataPipelines.gaussianSigma(TestFiles.dataBlock("data { }")).isEmpty());
  }

  @Test
  void trainAndTestImagesMustShareAShape() {
    TestFiles.write(test, idx(2, ROWS + 1, COLUMNS, numbered(2, (ROWS + 1) * COLUMNS)));

    String message = assertThrows(ConfigError.class, () -> pipeline("")).getMessage();

    assertTrue(message.contains("expected training and test images of one shape, found 1×3×4 in " + train
        + " and 1×4×4 in " + test), message);
  }

  private DataPipeline pipeline(String keys) {
    return DataPipelines.create(TestFiles.dataBlock("data { dataset { type = idx, train = " + quote(train)
        + ", test = " + quote(test) + " }, " + keys + " }"), Registry.builtIn());
  }

  private DataPipeline tinyPipeline(int rows, int columns, byte[] image, String keys) {
    train = TestFiles.write(dir.resolve("tiny.idx"), idx(1, rows, columns, image));
    test = train;
    return pipeline("pad = 0, " + keys);
  }

  /** The pixel integers of the 120 images of three training batches of 40 copies of a one-image dataset. */
  private static List<int[]> tinyImages(DataPipeline pipeline, int size) {
    List<int[]> images = new ArrayList<>();
    for (float[] values : batches(pipeline, 40, 1, 0, 3)) {
      for (int i = 0; i < 40; i++) {
        int[] image = new int[size];
        for (int p = 0; p < size; p++) {
          image[p] = pixel(values[i * size + p]);
        }
        images.add(image);
      }
    }
    return images;
  }

  private static List<Integer> trainingImages(DataPipeline pipeline, int batchSize, int count, long seed) {
    List<Integer> images = new ArrayList<>();
    try (BatchStream stream = pipeline.train(batchSize, seed, 0)) {
      for (int b = 0; b < count; b++) {
        Batch batch = stream.next();
        for (int i = 0; i < batch.size(); i++) {
          images.add(imageAt(batch, i, 0));
        }
      }
    }
    return images;
  }

  private static List<float[]> batches(DataPipeline pipeline, int batchSize, long seed, long first, int count) {
    List<float[]> out = new ArrayList<>();
    try (BatchStream stream = pipeline.train(batchSize, seed, first)) {
      for (int b = 0; b < count; b++) {
        out.add(stream.next().values());
      }
    }
    return out;
  }

  private static List<float[]> testBatches(DataPipeline pipeline, int batchSize, long seed, int limit) {
    List<float[]> out = new ArrayList<>();
    try (BatchStream stream = pipeline.test(batchSize, seed, limit)) {
      for (Batch batch = stream.next(); batch != null; batch = stream.next()) {
        out.add(batch.values());
      }
    }
    return out;
  }

  /** The file indices of the images of a test subset of {@code limit} of the sorted test set, in the order served. */
  private static List<Integer> sortedImages(DataPipeline pipeline, int limit, long seed) {
    List<Integer> out = new ArrayList<>();
    for (float[] values : testBatches(pipeline, 7, seed, limit)) {
      for (int p = 0; p < values.length; p += ROWS * COLUMNS) {
        out.add(pixel(values[p]) / 20 * 100 + pixel(values[p + 1]));
      }
    }
    return out;
  }

  private static float[] concat(List<float[]> arrays) {
    float[] all = new float[arrays.stream().mapToInt(a -> a.length).sum()];
    int offset = 0;
    for (float[] a : arrays) {
      System.arraycopy(a, 0, all, offset, a.length);
      offset += a.length;
    }
    return all;
  }

  /** The index of the image in slot {@code i}: its first unpadded pixel is 20 · index. */
  private static int imageAt(Batch batch, int i, int pad) {
    ImageShape shape = batch.shape();
    return pixel(batch.values()[i * shape.size() + pad * shape.width() + pad]) / 20;
  }

  private static Set<Integer> allImages(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toSet());
  }

  private static int clamp(int coordinate) {
    return Math.max(0, Math.min(2, coordinate));
  }
}
