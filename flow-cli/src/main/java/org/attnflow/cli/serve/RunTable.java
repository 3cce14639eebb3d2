package org.attnflow.cli.serve;

import java.util.List;

/** The table of runs that the list, a study and a comparison show. */
final class RunTable {
  private RunTable() {}

  /**
   * The table of {@code runs}; with {@code selectable}, each row has a check box named
   * {@code run} for the comparison form around it.
   */
  static String html(List<RunSummary> runs, boolean selectable) {
    StringBuilder html = new StringBuilder("<table class=\"runs\"><tr>");
    html.append(selectable ? "<th></th>" : "").append("<th>run</th><th>configuration</th><th>model</th><th class=\"num\">steps</th>"
        + "<th class=\"num\">best test bits/dim</th><th class=\"num\">latest test bits/dim</th><th>FD</th>"
        + "<th class=\"num\">train img/s</th><th>state</th></tr>");
    for (RunSummary run : runs) {
      html.append("<tr>");
      if (selectable) {
        html.append("<td><input type=\"checkbox\" name=\"run\" value=\"").append(Html.escape(run.path())).append("\"></td>");
      }
      html.append("<td>").append(Html.link("/run" + Html.urlPath(run.path()), run.path())).append("</td>")
          .append("<td>").append(Html.escape(run.configuration())).append("</td>")
          .append("<td class=\"model\">").append(Html.escape(run.model())).append("</td>")
          .append("<td class=\"num\">").append(Html.escape(run.steps())).append("</td>")
          .append("<td class=\"num\">").append(Html.number(run.bestTestBpd(), 4)).append("</td>")
          .append("<td class=\"num\">").append(Html.number(run.latestTestBpd(), 4)).append("</td>")
          .append("<td>").append(Html.escape(run.fd())).append("</td>")
          .append("<td class=\"num\">").append(Html.number(run.imagesPerSecond(), 1)).append("</td>")
          .append("<td>").append(state(run)).append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  /** The run's state as a badge; a failed run's reason is its tooltip. */
  static String state(RunSummary run) {
    String title = run.failure().isEmpty() ? "" : " title=\"" + Html.escape(run.failure()) + "\"";
    return "<span class=\"state state-" + run.state().label() + "\"" + title + ">" + run.state().label() + "</span>";
  }
}
