package org.attnflow.models.training;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns a termination request (Ctrl-C, SIGTERM) into a clean stop: the current step finishes,
 * the latest checkpoint is written, and only then does the JVM exit.
 */
final class StopSignal implements AutoCloseable {
  private static final long GRACE_SECONDS = 60;
  private volatile boolean requested;
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  private StopSignal() {
    hook = new Thread(() -> {
      requested = true;
      try {
        done.await(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "attnflow-stop");
  }

  static StopSignal install() {
    StopSignal s = new StopSignal();
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  boolean requested() {
    return requested;
  }

  void finished() {
    done.countDown();
  }

  @Override
  public void close() {
    finished();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already exiting: the hook has run or is running
    }
  }
}
