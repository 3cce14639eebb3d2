package org.attnflow.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over a fixture folder on a free loopback port: its pages, and what it refuses to serve. */
class RunServerTest {
  private static final String SECRET = "SECRET-OUTSIDE-THE-SERVED-FOLDER";
  @TempDir Path tmp;
  private Path root;
  private Path run;
  private RunServer server;

  @BeforeEach
  void serve() throws IOException {
    root = Files.createDirectory(tmp.resolve("served"));
    run = ServeFixture.write(root);
    Files.writeString(tmp.resolve("secret.txt"), SECRET);
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET);
    Files.createSymbolicLink(root.resolve("link-to-secret.txt"), tmp.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("link-to-outside"), outside);
    Files.createSymbolicLink(run.resolve("samples").resolve("step0000099-t0.70.png"), tmp.resolve("secret.txt"));
    server = RunServer.start(root, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theListShowsEveryRunWithItsStateAndEveryStudy() throws Exception {
    Files.writeString(root.resolve(ServeFixture.OTHER_RUN).resolve("failure.txt"), "step 30: training diverged\n");
    Files.writeString(root.resolve(ServeFixture.OTHER_RUN).resolve("config.conf"), "data { noise { type = gaussian, sigma = 0.05 } }\n",
        StandardOpenOption.APPEND);
    String index = get("/").body();
    assertTrue(index.contains("prior standard-normal; bits/dim under Gaussian noise σ = 0.05, not comparable with uniform dequantisation"),
        "a run trained with Gaussian noise says so beside its bits/dim: " + index);
    assertTrue(index.contains(">" + ServeFixture.RUN + "</a>"), index);
    assertTrue(index.contains("<td>glowish</td>"), "the configuration's name: " + index);
    assertTrue(index.contains("2 × 2: actnorm, invconv, affine-coupling; prior standard-normal"), index);
    assertTrue(index.contains("50 / 200"), "steps done of the target: " + index);
    assertTrue(index.contains(">5.0000<"), "the best test bits/dim: " + index);
    assertTrue(index.contains("state-stopped\">stopped"), index);
    assertTrue(index.contains("state-failed\" title=\"step 30: training diverged\">failed"), index);
    assertTrue(index.contains("href=\"/study/study-a\""), index);

    ServeFixture.appendTrainingRows(run, 50, 200);
    Files.writeString(run.resolve("metrics.csv"), "200,test,4.000000,0.010000,,,,60.0,\n", StandardOpenOption.APPEND);
    assertTrue(get("/").body().contains("state-finished\">finished"), "its last step and that step's evaluation are in");
    Files.writeString(run.resolve("train.lock"), ProcessHandle.current().pid() + "@" + java.net.InetAddress.getLocalHost().getHostName());
    assertTrue(get("/").body().contains("state-running\">running"), "a live process holds its lock");
  }

  @Test
  void aRunPageHasACurvePointPerRowItsGridsAndMapsAndATornRowChangesNothing() throws Exception {
    String page = get("/run/" + ServeFixture.RUN).body();
    assertEquals(ServeFixture.rows(run, "train"), points(page, "bpd-step", "train (batch)"));
    assertEquals(ServeFixture.rows(run, "test"), points(page, "bpd-step", "test"));
    for (String id : List.of("bpd-time", "learning-rate", "grad-norm", "throughput")) {
      assertTrue(page.contains("id=\"" + id + "\""), id);
    }
    assertTrue(page.contains("data-steps=\"[0,50]\""), "one slider over the steps that wrote grids: " + page);
    assertTrue(page.indexOf("attention/image00003.png") < page.indexOf("attention/image00003-00-levels_0_step_3.png")
        && page.contains("attention/image00003.png"), "the test image, then its maps: " + page);
    assertTrue(page.contains("checkpoint-latest.ckpt"), page);
    assertTrue(page.contains("eval-every = 50"), "the configuration: " + page);
    assertFalse(page.contains("step0000099"), "a grid that is a link out of the folder is not shown");

    String stamp = get("/stamp/run/" + ServeFixture.RUN).body();
    Files.writeString(run.resolve("metrics.csv"), "60,train,4.8", StandardOpenOption.APPEND);
    Response torn = get("/run/" + ServeFixture.RUN + "?part=live");
    assertEquals(200, torn.status());
    assertEquals(ServeFixture.rows(run, "train") - 1, points(torn.body(), "bpd-step", "train (batch)"), "the unfinished row is not drawn");
    assertFalse(stamp.equals(get("/stamp/run/" + ServeFixture.RUN).body()), "the fingerprint follows the file");
  }

  @Test
  void aStudyPageOverlaysItsRunsAndShowsItsTable() throws Exception {
    String page = get("/study/" + ServeFixture.STUDY).body();
    assertEquals(2, Pattern.compile("<polyline class=\"series\" data-series=\"glowish/seed-[01]\"").matcher(chart(page, "test-step")).results().count());
    assertTrue(page.contains("<li>") && page.contains("glowish/seed-1</li>"), "a legend: " + page);
    assertTrue(chart(page, "test-step").contains("data-series=\"glowish/seed-1\" data-count=\"2\" fill=\"none\" stroke=\"#4e79a7\" "
        + "stroke-width=\"1.6\" stroke-dasharray"), "the seeds of one configuration share its colour, each with a pattern of its own");
    assertTrue(page.contains("<td class=\"num\">+0.0123 [-0.5, +0.52]</td>"), "study.md's paired differences: " + page);
    String compare = get("/compare?run=" + ServeFixture.RUN + "&run=" + ServeFixture.OTHER_RUN).body();
    assertEquals(2, Pattern.compile("<polyline class=\"series\"").matcher(chart(compare, "train-step")).results().count());
  }

  @Test
  void aRunDeletedWhileItsPageIsOpenIsGoneAndTheServerGoesOn() throws Exception {
    try (Stream<Path> files = Files.walk(run)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    assertEquals(404, get("/stamp/run/" + ServeFixture.RUN).status(), "the page's script hears that the run is gone");
    assertEquals(404, get("/run/" + ServeFixture.RUN + "?part=live").status());
    assertEquals(200, get("/").status());
    assertEquals(200, get("/study/" + ServeFixture.STUDY).status());
  }

  @Test
  void filesInsideTheFolderAreServedAndNothingOutsideItIs() throws Exception {
    assertEquals(200, raw("/files/" + ServeFixture.RUN + "/metrics.csv").status());
    for (String path : List.of(
        "/files/../secret.txt",
        "/files/" + ServeFixture.RUN + "/../../../../secret.txt",
        "/files/%2e%2e/secret.txt",
        "/files/%2E%2E/%2E%2E/secret.txt",
        "/files/..%2fsecret.txt",
        "/files/%2e%2e%2fsecret.txt",
        "/files/%252e%252e/secret.txt",
        "/files/..%5csecret.txt",
        "/files/..\\secret.txt",
        "/files/" + tmp.resolve("secret.txt"),
        "/files//" + tmp.resolve("secret.txt"),
        "/files/%2f" + tmp.resolve("secret.txt").toString().substring(1).replace("/", "%2f"),
        "/files/link-to-secret.txt",
        "/files/link-to-outside/secret.txt",
        "/files/" + ServeFixture.RUN + "/samples/step0000099-t0.70.png",
        "/run/%2e%2e",
        "/run/..",
        "/study/..",
        "/study/link-to-outside",
        "/stamp/run/%2e%2e/outside",
        "/compare?run=..%2Fsecret.txt",
        "/compare?run=" + tmp.resolve("outside"),
        "/compare?run=link-to-outside",
        "/files/%2e%2e/%00secret.txt",
        "/files/%e0%80%ae%e0%80%ae/secret.txt")) {
      Response r = raw(path);
      assertTrue(r.status() == 403 || r.status() == 404 || r.status() == 400, path + " answered " + r.status());
      assertFalse(r.body().contains(SECRET), path + " leaked the file outside the folder");
    }
  }

  @Test
  void itIsReadOnlyAndAnswersOnlyRequestsToALoopbackName() throws Exception {
    HttpURLConnection post = (HttpURLConnection) url("/files/" + ServeFixture.RUN + "/metrics.csv").toURL().openConnection();
    post.setRequestMethod("POST");
    post.setDoOutput(true);
    post.getOutputStream().write('x');
    assertEquals(405, post.getResponseCode());
    assertEquals(403, raw("/", "evil.example:" + server.address().getPort()).status(), "a name that merely resolves to 127.0.0.1");
    assertEquals(200, raw("/", "localhost:" + server.address().getPort()).status());
    assertTrue(server.address().getAddress().isLoopbackAddress());
  }

  /** The number of points of a series' polyline in a chart. */
  static long points(String html, String chart, String series) {
    Matcher m = Pattern.compile("data-series=\"" + Pattern.quote(series) + "\" data-count=\"(\\d+)\"[^>]* points=\"([^\"]*)\"")
        .matcher(chart(html, chart));
    assertTrue(m.find(), "no series " + series + " in " + chart);
    long count = m.group(2).isEmpty() ? 0 : m.group(2).split(" ").length;
    assertEquals(Long.parseLong(m.group(1)), count);
    return count;
  }

  private static String chart(String html, String id) {
    int start = html.indexOf("<figure class=\"chart\" id=\"" + id + "\"");
    assertTrue(start >= 0, "no chart " + id);
    return html.substring(start, html.indexOf("</figure>", start));
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }

  /** GET {@code path} as a browser would send it. */
  private Response get(String path) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) url(path).toURL().openConnection();
    int status = connection.getResponseCode();
    try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
      return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** A status and body. */
  record Response(int status, String body) {}

  private Response raw(String path) throws IOException {
    return raw(path, "127.0.0.1:" + server.address().getPort());
  }

  /** Sends {@code GET path} exactly as written, which no HTTP client library would. */
  private Response raw(String path, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return new Response(Integer.parseInt(response.split(" ", 3)[1]), response);
    }
  }
}
