package org.attnflow.cli.serve;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Escaping text for HTML, and the links and numbers the pages share. */
final class Html {
  private Html() {}

  /** {@code text} safe inside an element or a quoted attribute. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A relative path ({@code a/b}) as a URL path, each segment percent-encoded. */
  static String urlPath(String relative) {
    StringBuilder out = new StringBuilder();
    for (String segment : relative.split("/")) {
      if (!segment.isEmpty()) {
        out.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    return out.toString();
  }

  /** A link to {@code href} showing {@code text}. */
  static String link(String href, String text) {
    return "<a href=\"" + escape(href) + "\">" + escape(text) + "</a>";
  }

  /** A number with {@code decimals} decimals, or a dash when it is not finite. */
  static String number(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "–";
  }
}
