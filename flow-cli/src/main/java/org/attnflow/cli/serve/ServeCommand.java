package org.attnflow.cli.serve;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.attnflow.cli.common.Command;
import org.attnflow.cli.common.CommonOptions;
import org.attnflow.cli.common.UsageException;

/**
 * Serves a folder of runs and studies as local web pages ({@link RunServer}) until the process is
 * stopped. It binds to 127.0.0.1 unless told otherwise, and says where it listens and who can
 * connect.
 */
public final class ServeCommand extends Command {
  private static final String DEFAULT_DIR = "runs";
  private static final int DEFAULT_PORT = 8080;

  private final Consumer<RunServer> serving;

  /** The command, serving until the process is stopped (Ctrl-C). */
  public ServeCommand() {
    this(ServeCommand::untilStopped);
  }

  /** The command, serving while {@code serving} runs (a test's requests); the server closes when it returns. */
  ServeCommand(Consumer<RunServer> serving) {
    super("serve", "[DIR] [--port 8080] [--host 127.0.0.1]",
        "show the runs and studies of DIR (default runs/) as live web pages: curves, samples, attention maps, comparisons");
    this.serving = serving;
  }

  @Override
  public Options options() {
    return CommonOptions.base()
        .addOption(Option.builder().longOpt("port").hasArg().argName("N").desc("port to listen on (default 8080; 0 picks a free one)").build())
        .addOption(Option.builder().longOpt("host").hasArg().argName("ADDRESS")
            .desc("address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 lets every network in)").build());
  }

  @Override
  public int run(CommandLine line, PrintStream out) {
    List<String> args = line.getArgList();
    if (args.size() > 1) {
      throw new UsageException("expected at most one DIR, found " + String.join(" ", args));
    }
    int port = CommonOptions.integerAtLeast(line, "port", DEFAULT_PORT, 0);
    if (port > 65535) {
      throw new UsageException("--port must be at most 65535, found " + port);
    }
    String host = line.getOptionValue("host", "127.0.0.1");
    RunServer server = RunServer.start(Path.of(args.isEmpty() ? DEFAULT_DIR : args.get(0)), host, port);
    String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.address().getPort() + "/";
    out.println("serving " + server.root() + " read-only at " + url);
    out.println(server.address().getAddress().isLoopbackAddress()
        ? "listening on " + host + " only: nobody but this machine can connect (--host 0.0.0.0 lets others in)"
        : "listening on " + host + ": anyone who can reach this machine on port " + server.address().getPort()
            + " can read the runs; use --host 127.0.0.1 to keep them to this machine");
    out.println("press Ctrl-C to stop");
    try (server) {
      serving.accept(server);
    }
    return 0;
  }

  /** Waits for ever: Ctrl-C ends the process, and the server with it. */
  private static void untilStopped(RunServer server) {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
