package org.attnflow.models.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.attnflow.api.FlowException;
import org.attnflow.models.FlowModel;
import org.attnflow.models.ModelFactory;
import org.attnflow.models.ModelsTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which checkpoint a resume starts from: the newest valid one of any kind, reading no more files
 * than needed; and the class names a conditional run records.
 */
class RunDirectoryTest {

  @Test
  void classNamesAreReadBackOrNumberedWhenNoneWereRecorded(@TempDir Path tmp) {
    RunDirectory dir = new RunDirectory(tmp).create();
    assertEquals(List.of("0", "1", "2"), dir.classNames(3), "a run that recorded no names");

    dir.writeClassNames(List.of("T-shirt/top", "Trouser", "Ankle boot"));

    assertEquals(List.of("T-shirt/top", "Trouser", "Ankle boot"), dir.classNames(3));
    String message = assertThrows(FlowException.class, () -> dir.classNames(4)).getMessage();
    assertTrue(message.endsWith("classes.txt: expected the names of the model's 4 classes, found 3"), message);
  }

  @Test
  void theNewestValidCheckpointWinsAndOlderNumberedOnesAreNotRead(@TempDir Path tmp) throws IOException {
    RunDirectory dir = new RunDirectory(tmp).create();
    try (NDManager manager = NDManager.newBaseManager()) {
      FlowModel model = new ModelFactory(ModelsTestSupport.REGISTRY).create(ModelsTestSupport.run("").model(), manager);
      write(dir.numbered(3), 3, model);
      write(dir.numbered(6), 6, model);
      write(dir.best(), 8, model);
      write(dir.latest(), 9, model);
    }
    Files.write(dir.numbered(1), new byte[] {1, 2, 3});
    List<String> warnings = new ArrayList<>();
    assertEquals(Optional.of(dir.latest()), dir.newestCheckpoint(warnings::add));
    assertEquals(List.of(), warnings, "the damaged step-1 checkpoint is older than valid ones and is not read");

    Files.write(dir.latest(), new byte[] {1, 2, 3});
    assertEquals(Optional.of(dir.best()), dir.newestCheckpoint(warnings::add), "the best (step 8) is newer than any numbered one");
    assertEquals(1, warnings.size(), warnings::toString);
    assertTrue(warnings.get(0).contains(dir.latest().toString()), warnings::toString);

    Files.write(dir.best(), new byte[] {1, 2, 3});
    Files.write(dir.numbered(6), new byte[] {1, 2, 3});
    warnings.clear();
    assertEquals(Optional.of(dir.numbered(3)), dir.newestCheckpoint(warnings::add));
    assertEquals(3, warnings.size(), "latest, best and step 6 skipped, step 1 never reached: " + warnings);
  }

  private static void write(Path file, long step, FlowModel model) {
    new Checkpoint(step, Double.NaN, "{}").write(file, model, new NDList());
  }
}
