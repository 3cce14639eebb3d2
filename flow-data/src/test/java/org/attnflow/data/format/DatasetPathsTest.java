package org.attnflow.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.attnflow.api.config.Settings;
import org.attnflow.data.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetPathsTest {
  @TempDir Path dir;

  @Test
  void relativePathResolvesAgainstTheFileThatSetIt() {
    Path config = TestFiles.write(dir.resolve("configs/run.conf"),
        "dataset { train = \"../images/train.idx\", test = \"/srv/test.idx\" }\n".getBytes());
    Settings dataset = Settings.root(ConfigFactory.parseFile(config.toFile())).block("dataset");

    assertEquals(dir.resolve("images/train.idx"), DatasetPaths.resolve(dataset, "train"));
    assertEquals(Path.of("/srv/test.idx"), DatasetPaths.resolve(dataset, "test"));
  }

  @Test
  void relativePathWithoutFileResolvesAgainstTheWorkingDirectory() {
    Settings dataset = Settings.root(ConfigFactory.parseString("train = \"images/train.idx\""));

    assertEquals(Path.of("images/train.idx").toAbsolutePath(), DatasetPaths.resolve(dataset, "train"));
  }
}
