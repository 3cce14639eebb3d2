package org.attnflow.cli.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import org.attnflow.models.run.MetricsRow;
import org.attnflow.models.run.RunDirectory;

/**
 * The page of one run: its summary; bits/dim against step and against wall time, the learning
 * rate, the gradient norm, the throughput and the samples' Fréchet distance; the sample grids per
 * temperature with a slider over the steps that wrote them; the attention maps; the checkpoints;
 * and the resolved configuration.
 */
final class RunPage implements Page {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private final ServedTree tree;
  private final Path dir;

  /** The page of the run in {@code dir}, inside {@code tree}. */
  RunPage(ServedTree tree, Path dir) {
    this.tree = tree;
    this.dir = dir;
  }

  @Override
  public String title() {
    return tree.relative(dir);
  }

  @Override
  public List<Path> watched() {
    return List.of(dir);
  }

  @Override
  public String content() {
    RunDirectory run = new RunDirectory(dir);
    List<MetricsRow> rows = MetricsRow.read(run.metrics());
    RunSummary summary = RunSummary.read(dir, title(), rows);
    StringBuilder html = new StringBuilder();
    html.append("<h1>").append(Html.escape(title())).append(' ').append(RunTable.state(summary)).append("</h1>");
    html.append("<p class=\"facts\">configuration <b>").append(Html.escape(summary.configuration())).append("</b> · model ")
        .append(Html.escape(summary.model())).append(" · steps ").append(Html.escape(summary.steps()))
        .append(" · best test ").append(Html.number(summary.bestTestBpd(), 4)).append(" bits/dim · latest ")
        .append(Html.number(summary.latestTestBpd(), 4)).append(summary.fd().isEmpty() ? "" : " · FD " + Html.escape(summary.fd()))
        .append(" · ").append(Html.number(summary.imagesPerSecond(), 1)).append(" train img/s</p>");
    if (!summary.failure().isEmpty()) {
      html.append("<p class=\"failure\">The last training failed: ").append(Html.escape(summary.failure())).append("</p>");
    }
    charts(html, rows);
    grids(html);
    attention(html);
    checkpoints(html);
    html.append("<h2>Configuration</h2><pre class=\"config\">").append(Html.escape(RunSummary.text(run.config()))).append("</pre>");
    html.append("<p class=\"files\">Files: ");
    List<String> links = new ArrayList<>();
    for (Path file : List.of(run.metrics(), run.config(), run.curve(), run.failure(), dir.resolve("train.log"))) {
      if (Files.isRegularFile(file)) {
        links.add(Html.link(fileUrl(file), file.getFileName().toString()));
      }
    }
    return html.append(String.join(" · ", links)).append("</p>").toString();
  }

  private void charts(StringBuilder html, List<MetricsRow> rows) {
    html.append("<section class=\"charts\">");
    html.append(SvgChart.render("bpd-step", "bits/dim by step", "step", "bits/dim", List.of(
        new SvgChart.Series("train (batch)", Curves.byStep(rows, false, MetricsRow::bpd), 0),
        new SvgChart.Series("test", Curves.byStep(rows, true, MetricsRow::bpd), 1))));
    html.append(SvgChart.render("bpd-time", "bits/dim by wall time", "minutes trained", "bits/dim", List.of(
        new SvgChart.Series("train (batch)", Curves.bpdByMinutes(rows, false), 0),
        new SvgChart.Series("test", Curves.bpdByMinutes(rows, true), 1))));
    html.append(SvgChart.render("learning-rate", "learning rate", "step", "learning rate",
        List.of(new SvgChart.Series("learning rate", Curves.byStep(rows, false, MetricsRow::learningRate), 0))));
    html.append(SvgChart.render("grad-norm", "gradient norm (before clipping)", "step", "gradient norm",
        List.of(new SvgChart.Series("gradient norm", Curves.byStep(rows, false, MetricsRow::gradNorm), 0))));
    html.append(SvgChart.render("throughput", "training throughput", "step", "images/s",
        List.of(new SvgChart.Series("images/s", Curves.byStep(rows, false, MetricsRow::imagesPerSecond), 0))));
    if (rows.stream().anyMatch(r -> !Double.isNaN(r.fd()))) {
      html.append(SvgChart.render("fd", "Fréchet distance of the samples", "step", "FD",
          List.of(new SvgChart.Series("FD", Curves.byStep(rows, true, MetricsRow::fd), 2))));
    }
    html.append("</section>");
  }

  private void grids(StringBuilder html) {
    Map<String, NavigableMap<Long, Path>> grids = RunFiles.grids(dir);
    if (grids.isEmpty()) {
      return;
    }
    html.append("<h2>Samples</h2><section class=\"grids\">");
    grids.forEach((temperature, byStep) -> {
      List<String> files = new ArrayList<>();
      List<String> steps = new ArrayList<>();
      byStep.forEach((step, file) -> {
        files.add("\"" + fileUrl(file).replace("\"", "%22") + "\"");
        steps.add(Long.toString(step));
      });
      int last = byStep.size() - 1;
      html.append("<figure class=\"grid\" data-key=\"t").append(Html.escape(temperature)).append("\">")
          .append("<figcaption>T = ").append(Html.escape(temperature)).append(" · <span class=\"step\">step ")
          .append(byStep.lastKey()).append("</span></figcaption>")
          .append("<img alt=\"samples at T = ").append(Html.escape(temperature)).append("\" src=\"")
          .append(Html.escape(fileUrl(byStep.lastEntry().getValue()))).append("\">")
          .append(String.format(Locale.ROOT, "<input type=\"range\" class=\"step-slider\" min=\"0\" max=\"%d\" value=\"%d\"", last, last))
          .append(" aria-label=\"training step\" data-files=\"").append(Html.escape("[" + String.join(",", files) + "]"))
          .append("\" data-steps=\"").append(Html.escape("[" + String.join(",", steps) + "]")).append("\"></figure>");
    });
    html.append("</section>");
  }

  private void attention(StringBuilder html) {
    Map<Path, List<Path>> maps = RunFiles.attentionMaps(dir);
    if (maps.isEmpty()) {
      return;
    }
    html.append("<h2>Attention maps</h2>");
    maps.forEach((folder, pictures) -> {
      html.append("<h3>").append(Html.escape(folder.getFileName().toString())).append("/</h3><section class=\"maps\">");
      for (Path picture : pictures) {
        String name = picture.getFileName().toString().replaceFirst("\\.png$", "");
        html.append("<figure><img alt=\"").append(Html.escape(name)).append("\" src=\"").append(Html.escape(fileUrl(picture)))
            .append("\"><figcaption>").append(Html.escape(name)).append("</figcaption></figure>");
      }
      html.append("</section>");
    });
  }

  private void checkpoints(StringBuilder html) {
    List<RunFiles.CheckpointFile> files = RunFiles.checkpoints(dir);
    html.append("<h2>Checkpoints</h2>");
    if (files.isEmpty()) {
      html.append("<p>none yet</p>");
      return;
    }
    html.append("<table class=\"checkpoints\"><tr><th>file</th><th class=\"num\">MB</th><th>written</th></tr>");
    for (RunFiles.CheckpointFile file : files) {
      html.append("<tr><td>").append(Html.link(fileUrl(dir.resolve(file.name())), file.name())).append("</td><td class=\"num\">")
          .append(Html.number(file.bytes() / 1e6, 1)).append("</td><td>").append(TIME.format(file.modified())).append("</td></tr>");
    }
    html.append("</table>");
  }

  private String fileUrl(Path file) {
    return "/files" + Html.urlPath(tree.relative(file));
  }
}
