package org.attnflow.models.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.zip.CRC32;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.ModelsTestSupport;
import org.attnflow.models.config.ResolvedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints with and without a moving average of the weights, and those of the first format. */
class CheckpointTest {
  private final ModelFactory factory = new ModelFactory(ModelsTestSupport.REGISTRY);
  private final ResolvedRun run = ModelsTestSupport.run("");

  @Test
  void anAverageIsSavedAndPutIntoTheTrainableParameters(@TempDir Path tmp) {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = factory.create(run.model(), manager);
      NDList average = new NDList();
      for (Parameter p : model.trainableParameters()) {
        average.add(p.getArray().add(1));
      }
      Path file = tmp.resolve("with-average.ckpt");
      new Checkpoint(3, 1.5, run.config().render()).write(file, model, new NDList(), Optional.of(new Checkpoint.Average(0.99, average)));

      Checkpoint.Contents read = Checkpoint.read(file);
      assertEquals(OptionalDouble.of(0.99), read.averageDecay());
      assertEquals("ema 0.99", read.weights());
      FlowModel loaded = factory.create(run.model(), manager);
      read.loadInto(loaded, manager);
      read.loadAverageInto(loaded, manager);
      List<Parameter> trainable = loaded.trainableParameters();
      for (int i = 0; i < trainable.size(); i++) {
        assertArrayEquals(average.get(i).toFloatArray(), trainable.get(i).getArray().toFloatArray(), "parameter " + i);
      }
    }
  }

  @Test
  void aCheckpointOfTheFirstFormatStillLoadsWithItsRawWeights(@TempDir Path tmp) throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = factory.create(run.model(), manager);
      Path file = tmp.resolve("v1.ckpt");
      new Checkpoint(3, 1.5, run.config().render()).write(file, model, new NDList());
      Files.write(file, asFirstFormat(Files.readAllBytes(file)));

      Checkpoint.Contents read = Checkpoint.read(file);
      assertEquals(3, read.header().step());
      assertEquals(OptionalDouble.empty(), read.averageDecay());
      assertEquals("raw", read.weights());
      FlowModel loaded = factory.create(run.model(), manager);
      read.loadInto(loaded, manager);
      float[] before = loaded.trainableParameters().get(0).getArray().toFloatArray();
      read.loadAverageInto(loaded, manager);
      assertArrayEquals(model.trainableParameters().get(0).getArray().toFloatArray(), before);
      assertArrayEquals(before, loaded.trainableParameters().get(0).getArray().toFloatArray(), "no average, nothing changes");
    }
  }

  /** A version-2 file without an average rewritten as version 1: no average section, version 1, its own checksum. */
  private static byte[] asFirstFormat(byte[] v2) throws IOException {
    byte[] body = Arrays.copyOf(v2, v2.length - 8 - 12);
    assertTrue(Double.isNaN(ByteBuffer.wrap(v2, v2.length - 20, 8).getDouble()), "the file ends with an empty average");
    ByteBuffer.wrap(body).putInt(4, 1);
    CRC32 crc = new CRC32();
    crc.update(body);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(body);
    new DataOutputStream(out).writeLong(crc.getValue());
    return out.toByteArray();
  }
}
