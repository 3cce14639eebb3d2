package org.attnflow.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.io.IOException;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md: cli → models/data → api ← layers/attention, Guice only where
 * the wiring is. The classes of every module are imported and counted first: a rule over an empty
 * import passes vacuously and proves nothing.
 *
 * <p>Where the classes come from: on the module path of this test (Surefire patches it into
 * org.attnflow.cli) ArchUnit's {@code importPackages} sees every module of the boot layer through
 * {@code jdk.module.path}, but not flow-testkit, which flow-cli does not depend on. So each module
 * is located explicitly: through the boot layer's module reference when it is resolved there
 * (a jar in ~/.m2 or a reactor target/classes), else its sibling module's target/classes or
 * target jar, else its jar in the local Maven repository.
 */
class ArchitectureTest {
  /** Maven folder → base package, for every module the rules speak about. */
  private static final Map<String, String> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("flow-api", "org.attnflow.api");
    MODULES.put("flow-layers", "org.attnflow.layers");
    MODULES.put("flow-attention", "org.attnflow.attention");
    MODULES.put("flow-models", "org.attnflow.models");
    MODULES.put("flow-data", "org.attnflow.data");
    MODULES.put("flow-cli", "org.attnflow.cli");
    MODULES.put("flow-testkit", "org.attnflow.testkit");
  }

  private static JavaClasses all;
  private static final List<String> SOURCES = new ArrayList<>();

  @BeforeAll
  static void importEveryModule() {
    Set<Location> locations = new LinkedHashSet<>();
    for (Map.Entry<String, String> m : MODULES.entrySet()) {
      Path where = locate(m.getKey(), m.getValue());
      SOURCES.add(m.getValue() + " ← " + where);
      addLocation(locations, where);
    }
    // flow-marflow (a prior plugin) is checked too when it is on this module path
    ModuleLayer.boot().configuration().findModule("org.attnflow.marflow")
        .flatMap(r -> r.reference().location()).map(Path::of)
        .ifPresent(where -> {
          SOURCES.add("org.attnflow.marflow ← " + where);
          addLocation(locations, where);
        });
    all = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importLocations(locations);
  }

  /** A folder as is; a jar as a jar: URI (Location.of(Path) would treat x.jar as a folder and import nothing). */
  private static void addLocation(Set<Location> locations, Path where) {
    locations.add(Files.isDirectory(where) ? Location.of(where) : Location.of(java.net.URI.create("jar:" + where.toUri() + "!/")));
  }

  /** Where the main classes of a module are. */
  private static Path locate(String folder, String module) {
    Optional<Path> fromBootLayer = ModuleLayer.boot().configuration().findModule(module)
        .map(r -> r.reference()).flatMap(ModuleReference::location).map(Path::of);
    if (fromBootLayer.isPresent()) {
      return fromBootLayer.get();
    }
    Path target = Harness.repo(folder, "target");
    if (Files.isDirectory(target.resolve("classes").resolve(module.replace('.', '/')))) {
      return target.resolve("classes");
    }
    try (Stream<Path> s = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
      Optional<Path> jar = s.filter(p -> p.getFileName().toString().matches(folder + "-.*\\.jar")
          && !p.getFileName().toString().contains("-tests") && !p.getFileName().toString().contains("-sources")).findFirst();
      if (jar.isPresent()) {
        return jar.get();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "attnflow", folder, "0.1.0-SNAPSHOT",
        folder + "-0.1.0-SNAPSHOT.jar");
    assertTrue(Files.isRegularFile(m2), () -> "cannot find the classes of " + module + " (build the reactor first)");
    return m2;
  }

  private static List<JavaClass> in(String pkg) {
    return all.stream().filter(c -> c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + "."))
        .collect(Collectors.toList());
  }

  @Test
  void everyModuleIsImported() {
    for (String pkg : MODULES.values()) {
      assertTrue(in(pkg).size() >= 2, () -> "no classes imported for " + pkg + "; sources: " + SOURCES);
    }
    for (String name : List.of("org.attnflow.api.registry.Registry", "org.attnflow.api.config.Settings",
        "org.attnflow.layers.ActNorm", "org.attnflow.attention.IMap", "org.attnflow.models.ModelFactory",
        "org.attnflow.models.config.FlowModule", "org.attnflow.data.DataPipelines", "org.attnflow.cli.Cli",
        "org.attnflow.cli.common.Session", "org.attnflow.testkit.LayerContract")) {
      assertTrue(all.contain(name), () -> name + " was not imported; sources: " + SOURCES);
    }
    // test classes (this one) are not part of the architecture
    assertTrue(!all.contain(ArchitectureTest.class.getName()), "test classes must not be imported");
  }

  /** Classes of {@code pkg} may depend, among project packages, only on {@code allowed} (and themselves). */
  private static void onlyDependsOn(String pkg, String... allowed) {
    List<String> own = new ArrayList<>(List.of(allowed));
    own.add(pkg + "..");
    classes().that().resideInAPackage(pkg + "..")
        .should().onlyDependOnClassesThat(not(resideInAPackage("org.attnflow..")).or(resideInAnyPackage(own.toArray(String[]::new))))
        .allowEmptyShould(false)
        .because("docs/architecture.md: the dependency arrows point one way (cli → models/data → api ← layers/attention)")
        .check(all);
  }

  @Test
  void theRulesCanFail() {
    // a rule that the code is known to break must fail: proves the import and the rule helper are not vacuous
    org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> onlyDependsOn("org.attnflow.models"));
    org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> onlyDependsOn("org.attnflow.cli", "org.attnflow.api.."));
  }

  @Test
  void apiDependsOnNoOtherProjectPackage() {
    onlyDependsOn("org.attnflow.api");
  }

  @Test
  void modelsDependOnlyOnTheApi() {
    onlyDependsOn("org.attnflow.models", "org.attnflow.api..");
  }

  @Test
  void layersDependOnlyOnTheApi() {
    onlyDependsOn("org.attnflow.layers", "org.attnflow.api..");
  }

  @Test
  void attentionDependsOnlyOnTheApiAndLayers() {
    onlyDependsOn("org.attnflow.attention", "org.attnflow.api..", "org.attnflow.layers..");
  }

  @Test
  void marflowDependsOnlyOnTheApiAndLayers() {
    org.junit.jupiter.api.Assumptions.assumeTrue(!in("org.attnflow.marflow").isEmpty(), "flow-marflow is not on this module path");
    onlyDependsOn("org.attnflow.marflow", "org.attnflow.api..", "org.attnflow.layers..");
  }

  @Test
  void layersAndAttentionNeverUseModelsDataOrCli() {
    noClasses().that().resideInAnyPackage("org.attnflow.layers..", "org.attnflow.attention..")
        .should().dependOnClassesThat().resideInAnyPackage("org.attnflow.models..", "org.attnflow.data..", "org.attnflow.cli..")
        .allowEmptyShould(false)
        .check(all);
  }

  @Test
  void dataDependsOnlyOnTheApi() {
    onlyDependsOn("org.attnflow.data", "org.attnflow.api..");
  }

  @Test
  void testkitDependsOnlyOnTheApi() {
    onlyDependsOn("org.attnflow.testkit", "org.attnflow.api..");
  }

  @Test
  void nothingButTheCliDependsOnTheCli() {
    noClasses().that().resideOutsideOfPackage("org.attnflow.cli..")
        .should().dependOnClassesThat().resideInAPackage("org.attnflow.cli..")
        .allowEmptyShould(false)
        .check(all);
  }

  @Test
  void guiceIsUsedOnlyByModelsAndCli() {
    noClasses().that().resideOutsideOfPackages("org.attnflow.models..", "org.attnflow.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..")
        .allowEmptyShould(false)
        .because("docs/architecture.md: Guice wires the application; plugins and the API stay free of it")
        .check(all);
    // and the rule is not vacuous: the wiring really uses Guice
    assertTrue(all.get("org.attnflow.models.config.FlowModule").isAssignableTo("com.google.inject.AbstractModule"));
    assertTrue(all.get("org.attnflow.cli.common.Session").getDirectDependenciesFromSelf().stream()
        .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("com.google.inject")));
  }

  @Test
  void noCyclesBetweenProjectModules() {
    com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
        .matching("org.attnflow.(*)..")
        .should().beFreeOfCycles()
        .allowEmptyShould(false)
        .check(all);
  }

  /** Each package is its own slice (org.attnflow.api.spi apart from org.attnflow.api): no package cycle, inside a module either. */
  @Test
  void noCyclesBetweenPackages() {
    com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
        .matching("org.attnflow.(**)")
        .should().beFreeOfCycles()
        .allowEmptyShould(false)
        .because("docs/architecture.md: a package cycle means two jobs that cannot be told apart")
        .check(all);
  }

  /**
   * DJL's {@code NDArray.mul/div/pow/maximum/minimum(Number)} (and their in-place forms) wrap the
   * number in an array over a Java buffer and close it at once; autograd keeps the tensor, and a
   * garbage collection before the backward pass corrupts the gradient. FlowMath.scale/constant
   * allocate the number in the engine instead.
   */
  @Test
  void noScalarArithmeticWhoseGradientAGarbageCollectionCanCorrupt() {
    com.tngtech.archunit.lang.syntax.elements.ClassesShouldConjunction rule =
        noClasses().should().callMethod(ai.djl.ndarray.NDArray.class, "mul", Number.class);
    for (String name : List.of("div", "pow", "muli", "divi", "powi", "maximum", "minimum")) {
      rule = rule.orShould().callMethod(ai.djl.ndarray.NDArray.class, name, Number.class);
    }
    rule.because("autograd reads the freed buffer after a GC: use FlowMath.scale or FlowMath.constant").check(all);
    // the rule can fail: FlowMath itself multiplies by an engine-allocated array, never by a Number
    assertTrue(all.get("org.attnflow.api.math.FlowMath").getMethodCallsFromSelf().stream()
        .anyMatch(c -> c.getName().equals("mul")));
  }

  /**
   * Every convolution runs through FlowMath.conv, which avoids the engine kernels that compute some
   * shapes wrongly on some CPUs (docs/design.md, "Convolutions the engine gets wrong"): no other
   * class calls DJL's {@code Conv2d.conv2d} or builds a DJL {@code Conv2d} block (the feature
   * classifier's FlowMathConv2d extends one and computes it with FlowMath.conv). The start-up
   * check, ConvolutionCheck, calls the engine in float64 as its reference.
   */
  @Test
  void everyConvolutionRunsThroughFlowMath() {
    String flowMath = "org.attnflow.api.math.FlowMath";
    com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaMethodCall> engineConvolution =
        new com.tngtech.archunit.base.DescribedPredicate<>("call DJL's Conv2d.conv2d or build a DJL Conv2d block") {
          @Override
          public boolean test(com.tngtech.archunit.core.domain.JavaMethodCall call) {
            String owner = call.getTargetOwner().getFullName();
            return owner.equals(ai.djl.nn.convolutional.Conv2d.class.getName()) && call.getName().equals("conv2d")
                || owner.equals(ai.djl.nn.convolutional.Conv2d.Builder.class.getName()) && call.getName().equals("build");
          }
        };
    noClasses().that().doNotHaveFullyQualifiedName(flowMath)
        .and().doNotHaveFullyQualifiedName("org.attnflow.api.math.ConvolutionCheck")
        .should().callMethodWhere(engineConvolution)
        .because("FlowMath.conv avoids the convolutions some CPUs compute wrongly").check(all);
    // the rule can fail: FlowMath itself calls the engine's convolution
    assertTrue(all.get(flowMath).getMethodCallsFromSelf().stream().anyMatch(engineConvolution));
  }
}
