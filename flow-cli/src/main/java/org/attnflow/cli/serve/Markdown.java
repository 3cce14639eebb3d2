package org.attnflow.cli.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * The Markdown that {@code study.md} uses, as HTML: headings, paragraphs, bullet lists, pipe
 * tables (with right-aligned columns) and inline code and bold. Everything is escaped first, so
 * the text cannot add markup of its own.
 */
final class Markdown {
  private Markdown() {}

  /** {@code markdown} as HTML. */
  static String html(String markdown) {
    StringBuilder out = new StringBuilder();
    List<String> block = new ArrayList<>();
    for (String line : (markdown + "\n").split("\n", -1)) {
      if (line.isBlank()) {
        flush(block, out);
      } else {
        block.add(line);
      }
    }
    return out.toString();
  }

  private static void flush(List<String> block, StringBuilder out) {
    if (block.isEmpty()) {
      return;
    }
    String first = block.get(0);
    if (first.startsWith("#")) {
      int level = Math.min(4, (int) first.chars().takeWhile(c -> c == '#').count() + 1);
      out.append("<h").append(level).append('>').append(inline(first.replaceFirst("^#+\\s*", ""))).append("</h").append(level).append(">\n");
      block.remove(0);
      flush(block, out);
      return;
    }
    if (first.startsWith("|")) {
      table(block, out);
    } else if (first.startsWith("- ")) {
      out.append("<ul>");
      block.forEach(item -> out.append("<li>").append(inline(item.substring(2))).append("</li>"));
      out.append("</ul>\n");
    } else {
      out.append("<p>").append(inline(String.join(" ", block))).append("</p>\n");
    }
    block.clear();
  }

  private static void table(List<String> rows, StringBuilder out) {
    List<String> alignments = rows.size() > 1 ? cells(rows.get(1)) : List.of();
    boolean separated = !alignments.isEmpty() && alignments.stream().allMatch(c -> c.matches(":?-+:?"));
    out.append("<table>");
    for (int r = 0; r < rows.size(); r++) {
      if (separated && r == 1) {
        continue;
      }
      List<String> cells = cells(rows.get(r));
      String tag = r == 0 ? "th" : "td";
      out.append("<tr>");
      for (int c = 0; c < cells.size(); c++) {
        boolean right = separated && c < alignments.size() && alignments.get(c).endsWith(":");
        out.append('<').append(tag).append(right ? " class=\"num\"" : "").append('>')
            .append(inline(cells.get(c))).append("</").append(tag).append('>');
      }
      out.append("</tr>");
    }
    out.append("</table>\n");
  }

  private static List<String> cells(String row) {
    String inner = row.trim().replaceFirst("^\\|", "").replaceFirst("\\|$", "");
    List<String> cells = new ArrayList<>();
    for (String cell : inner.split("\\|", -1)) {
      cells.add(cell.trim());
    }
    return cells;
  }

  private static String inline(String text) {
    return Html.escape(text)
        .replaceAll("`([^`]+)`", "<code>$1</code>")
        .replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
  }
}
