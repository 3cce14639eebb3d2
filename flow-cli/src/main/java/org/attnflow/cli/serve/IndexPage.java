package org.attnflow.cli.serve;

import java.nio.file.Path;
import java.util.List;
import org.attnflow.models.run.MetricsRow;
import org.attnflow.models.run.RunDirectory;

/** The list of every run and study in the served folder, with a form to compare the runs ticked. */
final class IndexPage implements Page {
  private final ServedTree tree;

  /** The list of what {@code tree} holds. */
  IndexPage(ServedTree tree) {
    this.tree = tree;
  }

  @Override
  public String title() {
    return "runs";
  }

  @Override
  public List<Path> watched() {
    return List.of(tree.root());
  }

  @Override
  public String content() {
    RunCatalog catalog = RunCatalog.of(tree.root());
    StringBuilder html = new StringBuilder("<h1>Runs</h1>");
    if (catalog.runs().isEmpty()) {
      html.append("<p>No runs under ").append(Html.escape(tree.root().toString()))
          .append(" yet: a folder with a <code>config.conf</code> is a run.</p>");
    } else {
      html.append("<form action=\"/compare\" method=\"get\">")
          .append(RunTable.html(summaries(tree, catalog.runs()), true))
          .append("<p><button type=\"submit\">Compare the runs ticked</button></p></form>");
    }
    if (!catalog.studies().isEmpty()) {
      html.append("<h1>Studies</h1><table class=\"studies\"><tr><th>study</th><th class=\"num\">runs</th></tr>");
      for (Path study : catalog.studies()) {
        String path = tree.relative(study);
        html.append("<tr><td>").append(Html.link("/study" + Html.urlPath(path), path.isEmpty() ? "(the served folder)" : path))
            .append("</td><td class=\"num\">").append(catalog.runsOf(study).size()).append("</td></tr>");
      }
      html.append("</table>");
    }
    return html.toString();
  }

  /** The summaries of the runs in {@code dirs}. */
  private static List<RunSummary> summaries(ServedTree tree, List<Path> dirs) {
    return dirs.stream().map(dir -> RunSummary.read(dir, tree.relative(dir), MetricsRow.read(new RunDirectory(dir).metrics()))).toList();
  }
}
