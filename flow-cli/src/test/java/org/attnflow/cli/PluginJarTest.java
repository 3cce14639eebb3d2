package org.attnflow.cli;

import static org.attnflow.cli.Harness.assertOk;
import static org.attnflow.cli.Harness.assertOneLineError;
import static org.attnflow.cli.Harness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attnflow.api.FlowLayer;
import org.attnflow.api.registry.Registry;
import org.attnflow.api.spi.Plugin;
import org.attnflow.api.spi.PluginKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party layer plugin, compiled at test time against the flow-api jar, packaged as a plain
 * jar without module-info (an automatic module) in a plugin directory, and found by the registry
 * and by every command given {@code --plugins DIR}.
 *
 * <p>The compiler is reached through {@link java.util.spi.ToolProvider} ("javac", in java.base):
 * the test classes are patched into module org.attnflow.cli, which does not read java.compiler,
 * so {@code javax.tools} is not visible to them at compile time without an extra compiler flag.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginJarTest {
  private static final String SERVICE = "META-INF/services/org.attnflow.api.spi.LayerProvider";
  private static final String PROVIDER = "org.example.plugin.NegateProvider";
  private static final String SOURCE = """
      package org.example.plugin;

      import ai.djl.ndarray.NDArray;
      import org.attnflow.api.FlowLayer;
      import org.attnflow.api.FlowOutput;
      import org.attnflow.api.FlowPass;
      import org.attnflow.api.ImageShape;
      import org.attnflow.api.spi.BasicPlugin;
      import org.attnflow.api.spi.BuildContext;
      import org.attnflow.api.spi.LayerProvider;

      /** A test layer: x ↦ sign·x with sign = ±1, log-det 0; its inverse can be made to fail. */
      public final class NegateProvider extends BasicPlugin<FlowLayer> implements LayerProvider {
        public NegateProvider() {
          super("test-negate", "multiplies by sign (a test plugin)",
              "# the factor, -1 or 1\\nsign = -1\\n# whether the inverse fails, as a singular matrix would\\nfail-inverse = false\\n");
        }

        @Override
        public FlowLayer create(BuildContext context) {
          int sign = context.settings().integer("sign");
          if (sign != 1 && sign != -1) {
            throw context.settings().error("sign", "expected -1 or 1, found " + sign);
          }
          return new Negate(context.requireInputShape(), sign, context.settings().bool("fail-inverse"));
        }

        static final class Negate extends FlowLayer {
          private final int sign;
          private final boolean failInverse;

          Negate(ImageShape shape, int sign, boolean failInverse) {
            super(shape);
            this.sign = sign;
            this.failInverse = failInverse;
          }

          @Override
          protected FlowOutput transform(NDArray x, FlowPass pass) {
            return new FlowOutput(x.mul(sign), zeroLogDet(x));
          }

          @Override
          protected FlowOutput invert(NDArray y, FlowPass pass) {
            if (failInverse) {
              throw new ArithmeticException("singular matrix at column 3");
            }
            return new FlowOutput(y.mul(sign), zeroLogDet(y));
          }
        }
      }
      """;

  @TempDir static Path tmp;
  private Path plugins;
  private Path classes;
  private Harness.TinyData data;

  @BeforeAll
  void buildThePluginJar() throws IOException {
    classes = compile(tmp.resolve("src"), tmp.resolve("classes"));
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    jar(plugins.resolve("test-negate-plugin.jar"), classes, PROVIDER + "\n");
    data = Harness.tinyData(tmp.resolve("data"));
  }

  @Test
  void theRegistryFindsThePluginInAChildModuleLayer() {
    Registry registry = Registry.withPlugins(plugins);
    Map<String, Plugin<FlowLayer>> layers = registry.providers(PluginKind.LAYER);
    assertTrue(layers.containsKey("test-negate"), layers::toString);
    assertTrue(layers.containsKey("actnorm"), "the built-in plugins stay: " + layers.keySet());
    assertFalse(Registry.builtIn().providers(PluginKind.LAYER).containsKey("test-negate"));

    Plugin<FlowLayer> plugin = layers.get("test-negate");
    assertEquals(PROVIDER, plugin.getClass().getName());
    assertEquals("-1", plugin.defaults().getValue("sign").render());
    // Surefire runs these tests on the module path, so the registry takes its module-layer branch
    assertTrue(Registry.class.getModule().isNamed(), "expected flow-api as a named module on the module path");
    // and the plain jar becomes an automatic module of a child layer of the framework's layer
    Module module = plugin.getClass().getModule();
    assertTrue(module.isNamed(), "expected a named (automatic) module, found " + module);
    assertEquals("test.negate.plugin", module.getName());
    assertTrue(module.getDescriptor().isAutomatic(), module.getDescriptor()::toString);
    assertNotSame(ModuleLayer.boot(), module.getLayer());
    assertTrue(module.getLayer().parents().contains(Registry.class.getModule().getLayer()));
    assertTrue(module.canRead(Registry.class.getModule()), "an automatic module reads the parent layer's modules");
  }

  @Test
  void layersListsThePluginWithItsKeys() {
    Harness.Result r = assertOk(run("layers", "--plugins", plugins.toString()));
    assertTrue(r.out().contains("  test-negate          multiplies by sign (a test plugin)"), r::toString);
    assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("sign") && l.contains("= -1") && l.contains("# the factor")), r::toString);
    assertFalse(assertOk(run("layers")).out().contains("test-negate"));
  }

  private Path config(String name, String negate) throws IOException {
    String step = "[ { type = actnorm }, " + negate + ", { type = affine-coupling, hidden = 8 } ]";
    Path file = tmp.resolve(name);
    Files.writeString(file, Harness.tinyConfig(data, step));
    return file;
  }

  @Test
  void checkBuildsAModelWithThePluginLayer() throws IOException {
    Path file = config("negate.conf", "{ type = test-negate }");
    Harness.Result r = assertOk(run("check", file.toString(), "--plugins", plugins.toString()));
    assertTrue(r.out().contains("round trip"), r::toString);
    assertTrue(r.out().contains("1×8×8 → 4×4×4 → 8×2×2"), r::toString);
    assertOk(run("check", config("negate-plus.conf", "{ type = test-negate, sign = 1 }").toString(),
        "--plugins", plugins.toString()));
  }

  @Test
  void thePluginDirectoryCanComeFromTheConfigurationRelativeToItsFile() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("configured"));
    Files.copy(plugins.resolve("test-negate-plugin.jar"), Files.createDirectories(dir.resolve("jars")).resolve("p.jar"));
    Path file = dir.resolve("with-plugins.conf");
    Files.writeString(file, "plugins = jars\n" + Files.readString(config("negate-key.conf", "{ type = test-negate }")));
    Harness.Result r = assertOk(run("check", file.toString()));
    assertTrue(r.out().contains("round trip"), r::toString);
  }

  @Test
  void withoutThePluginDirectoryTheTypeIsUnknown() throws IOException {
    Path file = config("negate-missing.conf", "{ type = test-negate }");
    String line = assertOneLineError(run("check", file.toString()), Cli.FAILED);
    assertTrue(line.contains("unknown layer type \"test-negate\""), line);
  }

  @Test
  void thePluginsKeysAreCheckedLikeBuiltInOnes() throws IOException {
    Path file = config("negate-key.conf", "{ type = test-negate, sgn = 1 }");
    String line = assertOneLineError(run("check", file.toString(), "--plugins", plugins.toString()), Cli.FAILED);
    assertTrue(line.contains("negate-key.conf:") && line.contains("model.step[1].sgn") && line.contains("sign"), line);
    file = config("negate-value.conf", "{ type = test-negate, sign = 3 }");
    line = assertOneLineError(run("check", file.toString(), "--plugins", plugins.toString()), Cli.FAILED);
    assertTrue(line.contains("negate-value.conf:") && line.contains("expected -1 or 1, found 3"), line);
  }

  @Test
  void aRunWithThePluginIsUsableWithThePluginDirectory() throws IOException {
    Path file = config("negate-train.conf", "{ type = test-negate }");
    Path runDir = tmp.resolve("run");
    assertOk(run("train", "-c", file.toString(), "--steps", "1", "--out", runDir.toString(),
        "--plugins", plugins.toString()));
    Harness.Result r = assertOk(run("reconstruct", runDir.toString(), "--n", "2", "--plugins", plugins.toString()));
    assertTrue(r.out().contains("reconstructed 2 of 32 test images, uniform sample seed 0"), r::toString);
    String line = assertOneLineError(run("evaluate", runDir.toString()), Cli.FAILED);
    assertTrue(line.contains("unknown layer type \"test-negate\"") && line.contains("load with --plugins DIR"), line);
  }

  @Test
  void aSamplingFailureIsReportedAndTheRunEndsWithItsCheckpoints() throws IOException {
    Path file = config("negate-unsampleable.conf", "{ type = test-negate, fail-inverse = true }");
    Path runDir = tmp.resolve("unsampleable");
    Harness.Result r = assertOk(run("train", "-c", file.toString(), "--steps", "6", "--out", runDir.toString(),
        "--plugins", plugins.toString()));
    assertTrue(r.out().contains("warning: step 6: sampling at T = 0.7 failed, the run goes on: "
        + "model.levels[1].steps[0].test-negate: inverse failed: singular matrix at column 3"), r::toString);
    assertTrue(r.out().contains("final test "), r::toString);
    assertEquals(6, org.attnflow.models.run.Checkpoint.readHeader(runDir.resolve("checkpoint-latest.ckpt")).step());
    assertTrue(Files.isRegularFile(runDir.resolve("checkpoint-best.ckpt")));
    assertTrue(Files.readString(runDir.resolve("metrics.csv")).contains("\n6,test,"));
  }

  @Test
  void aRunReadsPluginsFromTheCommandLineOnlyNeverFromItsOwnFiles() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("configured-run"));
    Files.copy(plugins.resolve("test-negate-plugin.jar"), Files.createDirectories(dir.resolve("jars")).resolve("p.jar"));
    Path file = dir.resolve("with-plugins.conf");
    Files.writeString(file, "plugins = jars\n" + Files.readString(config("negate-run.conf", "{ type = test-negate }")));
    Path runDir = dir.resolve("run");
    assertOk(run("train", "-c", file.toString(), "--steps", "1", "--out", runDir.toString()));
    String line = assertOneLineError(run("evaluate", runDir.toString()), Cli.FAILED);
    assertTrue(line.contains("unknown layer type \"test-negate\""), line);
    line = assertOneLineError(run("train", "--resume", runDir.toString(), "--steps", "2"), Cli.FAILED);
    assertTrue(line.contains("unknown layer type \"test-negate\""), line);
    assertOk(run("evaluate", runDir.toString(), "--plugins", dir.resolve("jars").toString()));
    assertOk(run("train", "--resume", runDir.toString(), "--steps", "2", "--plugins", dir.resolve("jars").toString()));
  }

  @Test
  void aServicesFileNamingAClassOfAMissingPackageIsACleanError() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("broken-package"));
    jar(dir.resolve("broken.jar"), classes, "org.example.missing.Gone\n");
    String line = assertOneLineError(run("layers", "--plugins", dir.toString()), Cli.FAILED);
    assertTrue(line.contains(dir.resolve("broken.jar").toString()), line);
  }

  @Test
  void aServicesFileNamingAClassOfAMissingPackageNamesTheClass() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("broken-package-2"));
    jar(dir.resolve("broken.jar"), classes, "org.example.missing.Gone\n");
    String line = assertOneLineError(run("layers", "--plugins", dir.toString()), Cli.FAILED);
    assertTrue(line.contains("org.example.missing.Gone"), line);
  }

  @Test
  void aServicesFileNamingAMissingClassIsACleanError() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("broken-class"));
    jar(dir.resolve("broken.jar"), classes, "org.example.plugin.Gone\n");
    String line = assertOneLineError(run("layers", "--plugins", dir.toString()), Cli.FAILED);
    assertTrue(line.contains("org.example.plugin.Gone") && line.contains(dir.toString()), line);
    // check fails too (exit 1), though not yet with a clean line: see the next test
    Harness.Result r = run("check", config("broken.conf", "{ type = test-negate }").toString(), "--plugins", dir.toString());
    assertEquals(Cli.FAILED, r.status(), r::toString);
    assertTrue(r.err().contains("cannot load plugins from " + dir), r::toString);
  }

  @Test
  void aBrokenPluginJarIsACleanErrorForCheck() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("broken-class-2"));
    jar(dir.resolve("broken.jar"), classes, "org.example.plugin.Gone\n");
    String line = assertOneLineError(run("check", config("broken-2.conf", "{ type = test-negate }").toString(),
        "--plugins", dir.toString()), Cli.FAILED);
    assertTrue(line.startsWith("attnflow check: error: cannot load plugins from " + dir), line);
  }

  @Test
  void anEmptyPluginDirectoryChangesNothing() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertEquals(Registry.builtIn().providers(PluginKind.LAYER).keySet(),
        Registry.withPlugins(empty).providers(PluginKind.LAYER).keySet());
  }

  // ---------------------------------------------------------------------------------------------

  /** The file behind a module of the boot layer (a jar, or a classes folder in a reactor build). */
  private static Path location(String module) {
    ModuleReference ref = ModuleLayer.boot().configuration().findModule(module)
        .orElseThrow(() -> new AssertionError("module " + module + " is not in the boot layer"))
        .reference();
    return Path.of(ref.location().orElseThrow());
  }

  /** Compiles the plugin source against flow-api, the DJL API and Typesafe Config. */
  private static Path compile(Path src, Path out) throws IOException {
    Path file = src.resolve("org/example/plugin/NegateProvider.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, SOURCE);
    Files.createDirectories(out);
    String classPath = Stream.of("org.attnflow.api", "ai.djl.api", "typesafe.config")
        .map(m -> location(m).toString()).collect(Collectors.joining(java.io.File.pathSeparator));
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in this JDK"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (PrintWriter w = new PrintWriter(log, true, StandardCharsets.UTF_8)) {
      int status = javac.run(w, w, "--release", "17", "-proc:none", "-encoding", "UTF-8",
          "-cp", classPath, "-d", out.toString(), file.toString());
      assertEquals(0, status, () -> "javac failed:\n" + log.toString(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Packages every file under {@code classes} with the given LayerProvider services file. */
  private static void jar(Path jar, Path classes, String services) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toCollection(ArrayList::new));
    }
    try (OutputStream raw = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(raw, manifest)) {
      for (Path f : files) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(SERVICE));
      out.write(services.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }
}
