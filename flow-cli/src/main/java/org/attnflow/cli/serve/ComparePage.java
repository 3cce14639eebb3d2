package org.attnflow.cli.serve;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.attnflow.models.run.MetricsRow;
import org.attnflow.models.run.RunDirectory;

/**
 * Runs side by side: their test and training bits/dim against step, test bits/dim against wall
 * time and their throughput, overlaid with a legend (a colour per configuration, a line pattern
 * per run of it, such as each seed of a study), and their table. A study's page compares its
 * runs and shows its {@code study.md} (per configuration, and the paired differences against the
 * baseline).
 */
final class ComparePage implements Page {
  private final ServedTree tree;
  private final List<Path> runs;
  private final Optional<Path> study;

  /** The comparison of {@code runs}; with {@code study}, that study's page. */
  ComparePage(ServedTree tree, List<Path> runs, Optional<Path> study) {
    this.tree = tree;
    this.runs = List.copyOf(runs);
    this.study = study;
  }

  /** The page of the study in {@code dir}: its runs, compared. */
  static ComparePage ofStudy(ServedTree tree, Path dir) {
    return new ComparePage(tree, RunCatalog.of(dir).runs(), Optional.of(dir));
  }

  @Override
  public String title() {
    return study.map(dir -> "study " + tree.relative(dir)).orElse(runs.size() + " runs compared");
  }

  @Override
  public List<Path> watched() {
    return study.map(List::of).orElse(runs);
  }

  @Override
  public String content() {
    StringBuilder html = new StringBuilder("<h1>").append(Html.escape(title())).append("</h1>");
    if (runs.isEmpty()) {
      return html.append("<p>No runs to compare: tick two or more on the ").append(Html.link("/", "list of runs")).append(".</p>").toString();
    }
    List<List<MetricsRow>> rows = runs.stream().map(dir -> MetricsRow.read(new RunDirectory(dir).metrics())).toList();
    html.append("<section class=\"charts\">");
    html.append(chart("test-step", "test bits/dim by step", "step", "bits/dim", rows, r -> Curves.byStep(r, true, MetricsRow::bpd)));
    html.append(chart("train-step", "training bits/dim (batch) by step", "step", "bits/dim", rows, r -> Curves.byStep(r, false, MetricsRow::bpd)));
    html.append(chart("test-time", "test bits/dim by wall time", "minutes trained", "bits/dim", rows, r -> Curves.bpdByMinutes(r, true)));
    html.append(chart("throughput", "training throughput", "step", "images/s", rows, r -> Curves.byStep(r, false, MetricsRow::imagesPerSecond)));
    html.append("</section>");
    study.ifPresent(dir -> {
      String markdown = RunSummary.text(dir.resolve("study.md"));
      if (!markdown.isBlank()) {
        html.append("<section class=\"study\">").append(Markdown.html(markdown)).append("</section>");
      }
    });
    List<RunSummary> summaries = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      summaries.add(RunSummary.read(runs.get(i), tree.relative(runs.get(i)), rows.get(i)));
    }
    return html.append("<h2>Runs</h2>").append(RunTable.html(summaries, false)).toString();
  }

  private String chart(String id, String title, String xLabel, String yLabel, List<List<MetricsRow>> rows,
      Function<List<MetricsRow>, List<double[]>> curve) {
    List<SvgChart.Series> series = new ArrayList<>();
    Map<String, Integer> colours = new HashMap<>();
    Map<String, Integer> patterns = new HashMap<>();
    for (int i = 0; i < runs.size(); i++) {
      String configuration = RunSummary.configurationName(runs.get(i));
      int colour = colours.computeIfAbsent(configuration, c -> colours.size());
      series.add(new SvgChart.Series(name(runs.get(i)), curve.apply(rows.get(i)), colour, patterns.merge(configuration, 1, Integer::sum) - 1));
    }
    return SvgChart.render(id, title, xLabel, yLabel, series);
  }

  /** A run's name in a legend: its path below the study, or below the served folder. */
  private String name(Path run) {
    return study.map(dir -> dir.relativize(run).toString().replace('\\', '/')).orElse(tree.relative(run));
  }
}
