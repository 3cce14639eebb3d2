package org.attnflow.cli.study;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.attnflow.api.FlowException;
import org.attnflow.models.study.RunProgress;

/**
 * Trains the runs of a study, each with {@code train} in a child JVM ({@link ChildJvm}), {@code K}
 * at a time with the engine threads split between them ({@link ChildJvm#machineThreads}). A
 * finished run is skipped, a begun one resumed; a run that fails is reported with the last line
 * of its log and the others go on. When the
 * study is stopped (Ctrl-C, SIGTERM), the children are asked to stop too and are waited for, so
 * that each writes its latest checkpoint; a rerun resumes them.
 */
public final class StudyTrainer {
  /** How long a stopping child may take to write its checkpoint (the trainer's own grace is 60 s). */
  private static final long STOP_SECONDS = 90;

  /**
   * What became of a run.
   *
   * @param finished whether it reached its last step and evaluation
   * @param steps the steps it was to reach (−1 when its configuration could not be read)
   * @param note why it did not finish (empty when it did)
   */
  public record Outcome(boolean finished, long steps, String note) {}

  private final int parallel;
  private final int threads;
  private final PrintStream out;
  private final List<Process> running = new ArrayList<>();
  private volatile boolean stopping;

  /** Trains {@code parallel} runs at a time, each with {@code threads} engine threads, reporting to {@code out}. */
  public StudyTrainer(int parallel, int threads, PrintStream out) {
    this.parallel = parallel;
    this.threads = threads;
    this.out = out;
  }

  /** Trains every run that is not finished and returns each run's outcome, in the order given. */
  public Map<StudyRun, Outcome> train(List<StudyRun> runs) throws InterruptedException {
    Thread hook = new Thread(this::stopChildren, "attnflow-study-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      Map<StudyRun, Future<Outcome>> pending = new LinkedHashMap<>();
      for (StudyRun run : runs) {
        pending.put(run, pool.submit(() -> trainSafely(run)));
      }
      Map<StudyRun, Outcome> outcomes = new LinkedHashMap<>();
      for (Map.Entry<StudyRun, Future<Outcome>> e : pending.entrySet()) {
        try {
          outcomes.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException failure) {
          throw new FlowException(e.getKey().label() + ": " + failure.getCause().getMessage(), failure.getCause());
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
  }

  /** Whether the study was asked to stop while it trained. */
  public boolean stopped() {
    return stopping;
  }

  private Outcome trainSafely(StudyRun run) throws InterruptedException {
    try {
      return train(run);
    } catch (FlowException e) {
      say(run.label() + ": failed: " + e.getMessage());
      return new Outcome(false, -1, e.getMessage());
    }
  }

  private Outcome train(StudyRun run) throws InterruptedException {
    long steps = run.steps();
    RunProgress progress = run.progress();
    if (progress == RunProgress.FINISHED) {
      say(run.label() + ": finished earlier, skipped");
      return new Outcome(true, steps, "");
    }
    List<String> args = run.trainArguments();
    appendToLog(run.log(), "attnflow study: " + ChildJvm.describe(args) + "\n");
    ProcessBuilder builder = new ProcessBuilder().redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(run.log().toFile()));
    long begin = System.nanoTime();
    Process child;
    synchronized (running) {
      if (stopping) {
        return new Outcome(false, steps, "the study was stopped before this run started");
      }
      say(run.label() + ": " + (progress == RunProgress.NEW ? "training" : "resuming") + " (log " + run.log() + ")");
      child = ChildJvm.start(args, threads, builder);
      running.add(child);
    }
    int status;
    try {
      status = child.waitFor();
    } finally {
      synchronized (running) {
        running.remove(child);
      }
    }
    if (stopping) {
      say(run.label() + ": stopped at its latest checkpoint; running the study again resumes it");
      return new Outcome(false, steps, "stopped with the study");
    }
    if (status != 0) {
      String why = "train exited with status " + status + ": " + lastLine(run.log());
      say(run.label() + ": failed: " + why);
      return new Outcome(false, steps, why);
    }
    if (run.progress() != RunProgress.FINISHED) {
      String why = "train stopped before step " + steps + " and its evaluation: " + lastLine(run.log());
      say(run.label() + ": " + why);
      return new Outcome(false, steps, why);
    }
    say(String.format(Locale.ROOT, "%s: finished in %.0f s", run.label(), (System.nanoTime() - begin) / 1e9));
    return new Outcome(true, steps, "");
  }

  /** The shutdown hook: stop every child cleanly (SIGTERM) and wait for its checkpoint. */
  private void stopChildren() {
    List<Process> children;
    synchronized (running) {
      stopping = true;
      children = List.copyOf(running);
    }
    for (Process child : children) {
      child.destroy();
    }
    for (Process child : children) {
      try {
        child.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized void say(String line) {
    out.println(line);
  }

  private static void appendToLog(Path log, String text) {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new FlowException("cannot write " + log + ": " + e.getMessage(), e);
    }
  }

  /** The last line of a log that is not blank (a child's error is its last line). */
  public static String lastLine(Path log) {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i).strip();
        if (!line.isEmpty()) {
          return line.substring(line.lastIndexOf('\r') + 1);
        }
      }
      return "(" + log + " is empty)";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
