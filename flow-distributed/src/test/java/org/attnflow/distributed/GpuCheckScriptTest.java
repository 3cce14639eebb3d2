package org.attnflow.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.attnflow.cli.study.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/gpu-check.sh} on a machine without a GPU: its CPU path runs every step (check,
 * training, the two evaluations of one checkpoint and their comparison) on a tiny configuration,
 * with {@code ATTNFLOW} pointing at this test's class path; its GPU path stops with the reason.
 */
class GpuCheckScriptTest {
  @TempDir Path tmp;

  @Test
  void theCpuPathRunsEveryCheck() throws Exception {
    Path config = tmp.resolve("tiny.conf");
    Files.writeString(config, TinyRuns.config(8));
    Script r = script("--cpu", "--no-build", "--config", config.toString(), "--steps", "8", "--limit", "50");
    assertEquals(0, r.status(), r.output());
    assertTrue(r.output().matches("(?s).*one worker: [0-9.]+ images/s.*"), r.output());
    assertTrue(r.output().contains("difference 0.00e+00 bits/dim"), r.output());
    assertTrue(r.output().contains("gpu-check.sh: all checks passed on device = cpu"), r.output());
  }

  @Test
  void anUnknownOptionIsAUsageError() throws Exception {
    Script r = script("--gpus", "2");
    assertEquals(2, r.status(), r.output());
    assertTrue(r.output().contains("unknown option --gpus"), r.output());
  }

  @Test
  void withoutAGpuTheGpuPathSaysWhy() throws Exception {
    assumeTrue(new ProcessBuilder("sh", "-c", "command -v nvidia-smi").start().waitFor() != 0, "this machine has nvidia-smi");
    Script r = script("--no-build");
    assertEquals(1, r.status(), r.output());
    assertTrue(r.output().contains("FAILED: nvidia-smi is missing"), r.output());
  }

  private record Script(int status, String output) {}

  /** Runs the script with {@code args}, the attnflow command being this JVM's class path. */
  private Script script(String... args) throws IOException, InterruptedException {
    Path attnflow = tmp.resolve("attnflow");
    String java = ChildJvm.command(List.of()).stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    Files.writeString(attnflow, "#!/bin/sh\nexec " + java + " \"$@\"\n");
    assertTrue(attnflow.toFile().setExecutable(true));
    List<String> command = new ArrayList<>(List.of("bash", TinyRuns.repo("scripts", "gpu-check.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ATTNFLOW", attnflow.toString());
    builder.environment().put("TMPDIR", tmp.toString());
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Script(p.waitFor(), output);
  }
}
