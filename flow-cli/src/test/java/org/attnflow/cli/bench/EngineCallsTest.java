package org.attnflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.attnflow.api.FlowException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCallsTest {
  private static String event(String name, double ts, double dur, int tid) {
    return "{\"name\": \"" + name + "\", \"ph\": \"X\", \"ts\": " + ts + ", \"dur\": " + dur + ", \"tid\": " + tid + "}";
  }

  @Test
  void countsTheEngineEventsNoOtherEncloses(@TempDir Path tmp) throws IOException {
    Path trace = tmp.resolve("trace.json");
    Files.writeString(trace, "[" + String.join(",\n",
        event("aten::mul", 0, 10, 1),
        event("aten::empty", 2, 3, 1),              // inside mul
        event("aten::add", 10, 5, 1),               // starts as mul ends: a call of its own
        event("aten::fill_", 15, 0, 1),             // ends as add ends: bounds included, inside add
        event("Optimizer.step#Adam.step", 20, 30, 1), // a scope, not an engine event
        event("aten::sub_", 21, 4, 1),              // inside the scope only: a call
        event("autograd::engine::evaluate_function: MulBackward0", 30, 8, 1),
        event("aten::mul", 31, 6, 1),               // inside the backward node
        event("aten::sum", 0, 2, 2)) + "]");        // another thread
    EngineCalls calls = EngineCalls.read(trace);
    assertEquals(5, calls.calls());
    assertEquals((10 + 5 + 4 + 8 + 2) / 1e6, calls.seconds(), 1e-12);
  }

  @Test
  void readsTheTraceEventsOfAnObject(@TempDir Path tmp) throws IOException {
    Path trace = tmp.resolve("trace.json");
    Files.writeString(trace, "{\"traceEvents\": [" + event("aten::mul", 0, 1, 1) + "]}");
    assertEquals(1, EngineCalls.read(trace).calls());
  }

  @Test
  void aFileThatIsNoTraceIsAOneLineError(@TempDir Path tmp) throws IOException {
    Path trace = tmp.resolve("trace.json");
    Files.writeString(trace, "{\"something\": 1}");
    FlowException e = assertThrows(FlowException.class, () -> EngineCalls.read(trace));
    assertTrue(e.getMessage().startsWith(trace + ": not an operator trace"), e.getMessage());
  }
}
