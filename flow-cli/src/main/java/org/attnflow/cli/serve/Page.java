package org.attnflow.cli.serve;

import java.nio.file.Path;
import java.util.List;

/**
 * One page of the server: its title, its content (what the page's script replaces when the
 * folders it watches change) and those folders.
 */
interface Page {
  /** The title. */
  String title();

  /** The folders whose files the content shows. */
  List<Path> watched();

  /** The content, as HTML. */
  String content();

  /**
   * The whole page: the content in a frame with the style sheet, the script and the way home;
   * {@code stampUrl} is where the script asks for the fingerprint, {@code stamp} the fingerprint
   * of what the content shows.
   */
  default String document(String root, String stampUrl, String stamp) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + Html.escape(title()) + " · attnflow</title>"
        + "<link rel=\"stylesheet\" href=\"/assets/serve.css\"><script src=\"/assets/serve.js\" defer></script></head>\n"
        + "<body><header><a href=\"/\">attnflow serve</a> <span class=\"root\">" + Html.escape(root) + "</span></header>\n"
        + "<div id=\"notice\" hidden></div>\n"
        + "<main id=\"live\" data-stamp=\"" + Html.escape(stampUrl) + "\" data-version=\"" + Html.escape(stamp) + "\">" + content() + "</main></body></html>\n";
  }
}
