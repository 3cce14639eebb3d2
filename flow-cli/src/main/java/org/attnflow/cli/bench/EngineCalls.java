package org.attnflow.cli.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.attnflow.api.FlowException;

/**
 * The engine calls of an operator trace (Chrome trace format, as the engine's profiler writes it):
 * the events named {@code aten::…} (operators) or {@code autograd::…} (the nodes of the backward
 * pass) that no other such event on the same thread encloses, and their summed duration, the time
 * spent inside the engine. Nesting is by time with bounds included. bench/profile_summary.py
 * counts the PyTorch reference's traces by the same rule (docs/benchmarks.md).
 *
 * @param calls top-level engine events
 * @param seconds their summed wall time
 */
public record EngineCalls(long calls, double seconds) {
  /** Reads the trace in {@code file}. */
  public static EngineCalls read(Path file) throws IOException {
    Map<String, List<double[]>> byThread = new HashMap<>();
    try (Reader reader = Files.newBufferedReader(file)) {
      JsonElement root = JsonParser.parseReader(reader);
      JsonArray events = root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject().getAsJsonArray("traceEvents");
      for (JsonElement element : events) {
        JsonObject e = element.getAsJsonObject();
        String name = e.has("name") ? e.get("name").getAsString() : "";
        if (e.has("dur") && "X".equals(e.get("ph").getAsString()) && (name.startsWith("aten::") || name.startsWith("autograd::"))) {
          double start = e.get("ts").getAsDouble();
          byThread.computeIfAbsent(String.valueOf(e.get("tid")), t -> new ArrayList<>())
              .add(new double[] {start, start + e.get("dur").getAsDouble()});
        }
      }
    } catch (RuntimeException e) {
      throw new FlowException(file + ": not an operator trace (" + e.getMessage() + ")");
    }
    long calls = 0;
    double micros = 0;
    for (List<double[]> events : byThread.values()) {
      events.sort(Comparator.<double[]>comparingDouble(e -> e[0]).thenComparingDouble(e -> -e[1]));
      Deque<double[]> open = new ArrayDeque<>();
      for (double[] e : events) {
        while (!open.isEmpty() && (open.peek()[1] < e[1] || open.peek()[0] > e[0])) {
          open.pop();
        }
        if (open.isEmpty()) {
          calls++;
          micros += e[1] - e[0];
        }
        open.push(e);
      }
    }
    return new EngineCalls(calls, micros / 1e6);
  }
}
