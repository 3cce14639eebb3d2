package org.attnflow.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.cli.DefaultParser;
import org.attnflow.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serve command: where it listens unless told, what it says, and a folder it cannot serve. */
class ServeCommandTest {

  @Test
  void itListensOnLoopbackUnlessToldOtherwiseAndSaysSo(@TempDir Path root) throws Exception {
    AtomicReference<InetSocketAddress> address = new AtomicReference<>();
    ServeCommand command = new ServeCommand(server -> address.set(server.address()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = command.run(new DefaultParser().parse(command.options(), new String[] {root.toString(), "--port", "0"}),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(0, status);
    assertEquals("127.0.0.1", address.get().getAddress().getHostAddress());
    String said = out.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("read-only at http://127.0.0.1:" + address.get().getPort() + "/"), said);
    assertTrue(said.contains("listening on 127.0.0.1 only: nobody but this machine can connect"), said);
  }

  @Test
  void aFolderThatIsNotThereFailsWithOneLine(@TempDir Path tmp) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new Cli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(new String[] {"serve", tmp.resolve("none").toString(), "--port", "0"});
    assertEquals(Cli.FAILED, status);
    String line = err.toString(StandardCharsets.UTF_8);
    assertTrue(line.startsWith("attnflow serve: error: cannot serve " + tmp.resolve("none")) && line.indexOf('\n') == line.length() - 1, line);
  }
}
