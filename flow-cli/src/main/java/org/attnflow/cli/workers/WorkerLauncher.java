package org.attnflow.cli.workers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.attnflow.api.FlowException;
import org.attnflow.cli.study.ChildJvm;
import org.attnflow.models.training.Collective;

/**
 * Runs {@code train --workers N} (or {@code bench --workers N}) on this machine: N child JVMs, each
 * {@code train … --rank R
 * --world N --tracker 127.0.0.1:PORT} with its share of the engine threads (and its own GPU when
 * {@code nvidia-smi} lists several), rank 0 hosting the tracker. Their output comes here, the
 * other ranks' lines marked with their rank. When a worker fails, the others stop on their own
 * (the all-reduce fails); any still running after {@link #GRACE_SECONDS} are killed. Ctrl-C
 * reaches the workers too (they stop together after the current step and write the latest
 * checkpoint); this JVM waits up to {@link #GRACE_SECONDS} for them before it exits.
 */
public final class WorkerLauncher {
  /** How long the other workers get to stop by themselves after one failed. */
  static final int GRACE_SECONDS = 30;

  private WorkerLauncher() {}

  /** The collective engine on the module path; a one-line error naming the missing module when there is none. */
  public static Collective collective() {
    return ServiceLoader.load(Collective.class).findFirst().orElseThrow(() -> new FlowException(
        "several workers need the optional module flow-distributed, which is not on the module path"
            + " (build it with mvn -B package -DskipTests; ./attnflow then adds flow-distributed/target)"));
  }

  /**
   * Runs {@code workers} workers of {@code commandArgs} (the command and its options without
   * --workers) and waits for all.
   */
  public static void run(List<String> commandArgs, int workers, PrintStream out) {
    collective();
    int port = freePort();
    int threads = Math.max(1, ChildJvm.machineThreads() / workers);
    int gpus = visibleGpus();
    List<Process> processes = new CopyOnWriteArrayList<>();
    List<Thread> copiers = new CopyOnWriteArrayList<>();
    Thread waitOnExit = new Thread(() -> awaitExit(processes, copiers), "workers-on-exit");
    Runtime.getRuntime().addShutdownHook(waitOnExit);
    out.println("starting " + workers + " workers with " + threads + " engine threads each, tracker 127.0.0.1:" + port);
    try {
      for (int rank = 0; rank < workers; rank++) {
        List<String> args = new ArrayList<>(commandArgs);
        args.addAll(List.of("--rank", Integer.toString(rank), "--world", Integer.toString(workers),
            "--tracker", "127.0.0.1:" + port));
        ProcessBuilder builder = new ProcessBuilder().redirectErrorStream(true);
        if (gpus > 1) {
          builder.environment().put("CUDA_VISIBLE_DEVICES", Integer.toString(rank % gpus));
        }
        Process p = ChildJvm.start(args, threads, builder);
        processes.add(p);
        copiers.add(copy(p, rank == 0 ? "" : "[rank " + rank + "] ", out));
      }
      Optional<String> failure = waitForAll(processes);
      for (Thread copier : copiers) {
        copier.join();
      }
      failure.ifPresent(f -> {
        throw new FlowException(f);
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlowException("interrupted while waiting for the workers", e);
    } finally {
      processes.forEach(Process::destroyForcibly);
      try {
        Runtime.getRuntime().removeShutdownHook(waitOnExit);
      } catch (IllegalStateException exiting) {
        // The JVM is exiting: the hook runs.
      }
    }
  }

  /**
   * Gives workers that are still running (this JVM is exiting, after Ctrl-C) {@link #GRACE_SECONDS}
   * to finish their step and checkpoint, and passes on their last lines.
   */
  private static void awaitExit(List<Process> processes, List<Thread> copiers) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    try {
      for (Process p : processes) {
        p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      for (Thread copier : copiers) {
        copier.join(TimeUnit.SECONDS.toMillis(2));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for every worker; after the first failure, waits {@link #GRACE_SECONDS} more for the others. */
  private static Optional<String> waitForAll(List<Process> processes) throws InterruptedException {
    String failure = null;
    long deadline = Long.MAX_VALUE;
    while (processes.stream().anyMatch(Process::isAlive) && System.nanoTime() < deadline) {
      for (int rank = 0; rank < processes.size() && failure == null; rank++) {
        Process p = processes.get(rank);
        if (!p.isAlive() && p.exitValue() != 0) {
          failure = "worker " + rank + " of " + processes.size() + " failed (exit " + p.exitValue() + ")";
          deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        }
      }
      Thread.sleep(100);
    }
    List<Integer> killed = new ArrayList<>();
    for (int rank = 0; rank < processes.size(); rank++) {
      Process p = processes.get(rank);
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor();
        killed.add(rank);
      } else if (failure == null && p.exitValue() != 0) {
        failure = "worker " + rank + " of " + processes.size() + " failed (exit " + p.exitValue() + ")";
      }
    }
    if (failure != null && !killed.isEmpty()) {
      failure += "; workers " + killed + " did not stop within " + GRACE_SECONDS + " s and were killed";
    }
    return Optional.ofNullable(failure).map(f -> f + "; its error is above");
  }

  /** Copies the output of {@code p} to {@code out}, each line after {@code prefix}. */
  private static Thread copy(Process p, String prefix, PrintStream out) {
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          out.println(prefix + line);
        }
      } catch (IOException e) {
        out.println(prefix + "(output lost: " + e.getMessage() + ")");
      }
    }, "worker-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new FlowException("cannot find a free port on 127.0.0.1 for the tracker: " + e.getMessage(), e);
    }
  }

  /** The GPUs {@code nvidia-smi -L} lists, 0 when it is missing or fails. */
  private static int visibleGpus() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor() == 0 ? (int) text.lines().filter(l -> l.startsWith("GPU ")).count() : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
