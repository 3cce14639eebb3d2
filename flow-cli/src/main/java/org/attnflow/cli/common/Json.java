package org.attnflow.cli.common;

import java.util.Map;
import java.util.stream.Collectors;

/** Writes a flat map of strings, numbers, booleans and nulls as one JSON object. */
public final class Json {
  private Json() {}

  public static String object(Map<String, Object> values) {
    return values.entrySet().stream()
        .map(e -> quote(e.getKey()) + ": " + value(e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? n.toString() : "null";
    }
    if (v instanceof Boolean) {
      return v.toString();
    }
    return quote(v.toString());
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
