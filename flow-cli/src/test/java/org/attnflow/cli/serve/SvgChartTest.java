package org.attnflow.cli.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's charts and the study table's Markdown. */
class SvgChartTest {

  @Test
  void ticksAreRoundAndHugTheData() {
    assertArrayEquals(new double[] {0, 60, 10}, SvgChart.niceRange(0, 60), 1e-12);
    assertArrayEquals(new double[] {3, 8, 1}, SvgChart.niceRange(3.9, 7.7), 1e-12);
    assertArrayEquals(new double[] {0, 0.001, 0.0002}, SvgChart.niceRange(0.0001, 0.001), 1e-12);
    double[] flat = SvgChart.niceRange(5, 5);
    assertTrue(flat[0] < 5 && flat[1] > 5, "a flat series gets room around it");
  }

  @Test
  void tickLabelsOfOneAxisShareTheirForm() {
    String html = SvgChart.render("c", "t", "x", "y", List.of(new SvgChart.Series("lr", List.of(new double[] {0, 1e-4}, new double[] {1, 1e-3}), 0)));
    assertTrue(html.contains(">0.0e+00<") && html.contains(">2.0e-04<") && html.contains(">1.0e-03<"), html);
    assertTrue(html.contains(">0.0<") && html.contains(">0.2<") && html.contains(">1.0<"), "the x axis, 0 to 1: " + html);
  }

  @Test
  void aSeriesHasAPointPerFiniteValueAndItsNameIsEscaped() {
    String html = SvgChart.render("c", "t", "x", "y", List.of(new SvgChart.Series("<b>run</b>",
        List.of(new double[] {0, 1}, new double[] {1, Double.NaN}, new double[] {2, 3}), 0)));
    assertTrue(html.contains("data-series=\"&lt;b&gt;run&lt;/b&gt;\" data-count=\"2\""), html);
    assertFalse(html.contains("<b>run"), html);
    assertTrue(SvgChart.render("c", "t", "x", "y", List.of(new SvgChart.Series("none", List.of(), 0))).contains("no data yet"));
  }

  @Test
  void studyMarkdownBecomesTablesWithRightAlignedNumbersAndNoMarkupOfItsOwn() {
    String html = Markdown.html("# Study s\n\nBaseline `glow32` <script>.\n\n| configuration | n |\n|---|---:|\n| imap32 | 3 |\n\n- a note\n");
    assertEquals("<h2>Study s</h2>\n<p>Baseline <code>glow32</code> &lt;script&gt;.</p>\n"
        + "<table><tr><th>configuration</th><th class=\"num\">n</th></tr><tr><td>imap32</td><td class=\"num\">3</td></tr></table>\n"
        + "<ul><li>a note</li></ul>\n", html);
  }
}
