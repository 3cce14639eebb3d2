package org.attnflow.cli.serve;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.attnflow.models.run.MetricsLog;

/**
 * A served folder made by hand, as {@code train}, {@code attention} and {@code study} leave one:
 * a study with two runs of one configuration, each with its configuration, {@code metrics.csv},
 * sample grids at two steps and two temperatures and a checkpoint; the first run also has
 * attention maps.
 */
final class ServeFixture {
  /** The study's folder name, and the runs' paths below the served folder. */
  static final String STUDY = "study-a";
  static final String RUN = STUDY + "/glowish/seed-0";
  static final String OTHER_RUN = STUDY + "/glowish/seed-1";

  private ServeFixture() {}

  /** Writes the fixture into {@code root} and returns the first run's folder. */
  static Path write(Path root) throws IOException {
    Path study = Files.createDirectories(root.resolve(STUDY));
    Files.writeString(study.resolve("study.md"), "# Study study-a\n\n2 runs.\n\n## Against glowish\n\n"
        + "| configuration | n | test bits/dim |\n|---|---:|---:|\n| other | 2 | +0.0123 [-0.5, +0.52] |\n");
    Path first = run(root.resolve(RUN), 0.0);
    run(root.resolve(OTHER_RUN), 0.1);
    Path maps = Files.createDirectories(first.resolve("attention"));
    png(maps.resolve("image00003.png"), Color.GRAY);
    png(maps.resolve("image00003-00-levels_0_step_3.png"), Color.ORANGE);
    return first;
  }

  private static Path run(Path dir, double offset) throws IOException {
    Files.createDirectories(dir.resolve("samples"));
    Files.writeString(dir.resolve("config.conf"), "model {\n  input = [1, 8, 8]\n  levels = 2\n  steps = 2\n"
        + "  step = [ { type = actnorm }, { type = invconv }, { type = affine-coupling } ]\n"
        + "  prior { type = standard-normal }\n}\ntrain {\n  steps = 200\n  eval-every = 50\n}\n");
    List<String> lines = new ArrayList<>(List.of(MetricsLog.HEADER, test(0, 7.5 + offset, 1.0)));
    for (long step = 10; step <= 50; step += 10) {
      lines.add(train(step, 7 - step / 20.0 + offset));
    }
    lines.add(test(50, 5.0 + offset, 9.0));
    Files.write(dir.resolve("metrics.csv"), lines);
    for (long step : new long[] {0, 50}) {
      for (String t : new String[] {"0.70", "1.00"}) {
        png(dir.resolve("samples").resolve(String.format(Locale.ROOT, "step%07d-t%s.png", step, t)), step == 0 ? Color.BLACK : Color.WHITE);
      }
    }
    Files.write(dir.resolve("checkpoint-latest.ckpt"), new byte[] {1, 2, 3});
    return dir;
  }

  /** Appends training rows of the steps after {@code fromStep}, every 10 steps up to {@code toStep}. */
  static void appendTrainingRows(Path run, long fromStep, long toStep) throws IOException {
    StringBuilder rows = new StringBuilder();
    for (long step = fromStep + 10; step <= toStep; step += 10) {
      rows.append(train(step, 7 - step / 40.0)).append('\n');
    }
    Files.writeString(run.resolve("metrics.csv"), rows, StandardOpenOption.APPEND);
  }

  /** The training and evaluation rows of a run's metrics.csv (the header left out). */
  static long rows(Path run, String phase) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream().filter(l -> l.contains("," + phase + ",")).count();
  }

  private static String train(long step, double bpd) {
    return String.format(Locale.ROOT, "%d,train,%.6f,,0.001,%.4f,%.2f,%.1f,", step, bpd, 1 + step / 100.0, 90 + step / 10.0, 1 + step * 0.2);
  }

  private static String test(long step, double bpd, double elapsed) {
    return String.format(Locale.ROOT, "%d,test,%.6f,0.010000,,,,%.1f,", step, bpd, elapsed);
  }

  /** A 4×4 picture of one colour. */
  static void png(Path file, Color colour) throws IOException {
    BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        image.setRGB(x, y, colour.getRGB());
      }
    }
    ImageIO.write(image, "png", file.toFile());
  }
}
