package org.attnflow.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.attnflow.api.FlowException;

/**
 * The web server of {@code attnflow serve}, on the JDK's HTTP server: pages over the runs and
 * studies of one folder, and that folder's files, read-only ({@code GET} and {@code HEAD} only).
 *
 * <p>Routes: {@code /} lists the runs and studies; {@code /run/PATH} and {@code /study/PATH} show
 * one; {@code /compare?run=PATH&run=PATH…} overlays runs; {@code /files/PATH} is a file of the
 * folder; {@code /stamp/…} is the {@link Fingerprint} of the page at {@code /…}, and a page with
 * {@code part=live} in its query is its content alone, which the page's script swaps in when the
 * fingerprint changes; {@code /assets/} holds the style sheet and the script. Every path goes
 * through {@link ServedTree}, so nothing outside the folder is read. A server bound to a loopback
 * address answers only requests addressed to a loopback name, so that a web site cannot reach it
 * through a name of its own that resolves to 127.0.0.1.
 */
public final class RunServer implements AutoCloseable {
  private static final Map<String, String> TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "csv", "text/plain; charset=utf-8",
      "conf", "text/plain; charset=utf-8", "md", "text/plain; charset=utf-8", "json", "text/plain; charset=utf-8",
      "log", "text/plain; charset=utf-8", "txt", "text/plain; charset=utf-8");
  private static final String POLICY = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
      + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final ServedTree tree;
  private final HttpServer server;
  private final ExecutorService threads;
  private final boolean loopback;

  private RunServer(ServedTree tree, HttpServer server, ExecutorService threads, boolean loopback) {
    this.tree = tree;
    this.server = server;
    this.threads = threads;
    this.loopback = loopback;
  }

  /**
   * Serves the folder {@code root} on {@code host}:{@code port} (port 0: a free one) until closed.
   *
   * @throws FlowException when the folder cannot be served or the address cannot be listened on
   */
  public static RunServer start(Path root, String host, int port) {
    ServedTree tree = new ServedTree(root);
    InetAddress address;
    HttpServer server;
    try {
      address = InetAddress.getByName(host);
      server = HttpServer.create(new InetSocketAddress(address, port), 0);
    } catch (BindException e) {
      throw new FlowException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
          + " (another server on that port, or an address of another machine? --port and --host choose others)", e);
    } catch (IOException e) {
      throw new FlowException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService threads = Executors.newFixedThreadPool(4, task -> {
      Thread t = new Thread(task, "attnflow-serve");
      t.setDaemon(true);
      return t;
    });
    RunServer running = new RunServer(tree, server, threads, address.isLoopbackAddress());
    server.createContext("/", running::handle);
    server.setExecutor(threads);
    server.start();
    return running;
  }

  /** The address and port it listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The folder it serves (its real path). */
  public Path root() {
    return tree.root();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /** A request that names nothing the server shows. */
  private static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound() {
      super(null, null, false, false);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "read-only: GET and HEAD only\n");
        return;
      }
      if (loopback && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
        send(exchange, 403, "text/plain; charset=utf-8", "this server answers requests to localhost only\n");
        return;
      }
      try {
        route(exchange);
      } catch (NotFound | UncheckedIOException | FlowException gone) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      } catch (RuntimeException e) {
        System.err.println("attnflow serve: " + exchange.getRequestURI().getRawPath() + ": " + e);
        send(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
    if (path.startsWith("/files/")) {
      file(exchange, tree.resolveRaw(path.substring("/files/".length())).filter(Files::isRegularFile).orElseThrow(NotFound::new));
    } else if (path.startsWith("/assets/")) {
      asset(exchange, path.substring("/assets/".length()));
    } else if (path.startsWith("/stamp/")) {
      Page page = page(path.substring("/stamp".length()), query);
      send(exchange, 200, "text/plain; charset=utf-8", Fingerprint.of(page.watched()));
    } else {
      Page page = page(path, query);
      String stampUrl = "/stamp" + path + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      String html = query.containsKey("part") ? page.content()
          : page.document(tree.root().toString(), stampUrl, Fingerprint.of(page.watched()));
      send(exchange, 200, "text/html; charset=utf-8", html);
    }
  }

  /** The page at {@code path} with {@code query}. */
  private Page page(String path, Map<String, List<String>> query) {
    if (path.equals("/")) {
      return new IndexPage(tree);
    }
    if (path.startsWith("/run/")) {
      Path dir = tree.resolveRaw(path.substring("/run/".length())).filter(d -> Files.isRegularFile(d.resolve("config.conf")))
          .orElseThrow(NotFound::new);
      return new RunPage(tree, dir);
    }
    if (path.equals("/study") || path.startsWith("/study/")) {
      Path dir = tree.resolveRaw(path.substring("/study".length()).replaceFirst("^/", "")).filter(Files::isDirectory)
          .orElseThrow(NotFound::new);
      return ComparePage.ofStudy(tree, dir);
    }
    if (path.equals("/compare")) {
      List<Path> runs = new ArrayList<>();
      for (String run : query.getOrDefault("run", List.of())) {
        runs.add(tree.resolve(run).filter(d -> Files.isRegularFile(d.resolve("config.conf"))).orElseThrow(NotFound::new));
      }
      return new ComparePage(tree, runs, Optional.empty());
    }
    throw new NotFound();
  }

  private void file(HttpExchange exchange, Path file) throws IOException {
    String name = file.getFileName().toString();
    String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    String type = TYPES.get(extension);
    if (type == null) {
      type = "application/octet-stream";
      exchange.getResponseHeaders().set("Content-Disposition", "attachment");
    }
    try (InputStream in = Files.newInputStream(file)) {
      headers(exchange, type);
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      sendBody(exchange, 200, in, -1);
    }
  }

  private void asset(HttpExchange exchange, String name) throws IOException {
    String type = switch (name) {
      case "serve.css" -> "text/css; charset=utf-8";
      case "serve.js" -> "text/javascript; charset=utf-8";
      default -> throw new NotFound();
    };
    try (InputStream in = RunServer.class.getResourceAsStream(name)) {
      byte[] bytes = in.readAllBytes();
      headers(exchange, type);
      sendBody(exchange, 200, new ByteArrayInputStream(bytes), bytes.length);
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    headers(exchange, type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    sendBody(exchange, status, new ByteArrayInputStream(bytes), bytes.length);
  }

  private static void headers(HttpExchange exchange, String type) {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
  }

  /**
   * Sends {@code body} of {@code length} bytes; a length below 0 is unknown, and the body is sent
   * in chunks (a file that grows while it is sent, such as a metrics.csv, is sent as it is read).
   */
  private static void sendBody(HttpExchange exchange, int status, InputStream body, long length) throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || length == 0 ? -1 : length < 0 ? 0 : length);
    if (!head && length != 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        body.transferTo(out);
      }
    }
  }

  /** Whether a Host header names a loopback address or localhost (with any port). */
  private static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":\\d*$", "");
    return name.equalsIgnoreCase("localhost") || name.equals("[::1]") || name.matches("127(\\.\\d{1,3}){3}");
  }

  /** The parameters of a raw query, each value decoded once. */
  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> parameters = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        parameters.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException badEscape) {
        throw new NotFound();
      }
    }
    return parameters;
  }
}
