package org.attnflow.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The pages in a real browser: headless Chromium, driven through chromedriver (Debian's
 * {@code chromium} and {@code chromium-driver}), over the fixture folder. Skipped, with the
 * reason, where they are not installed.
 */
class ServeBrowserTest {
  /** Where the screenshot of the run page goes. */
  private static final Path SCREENSHOT = Path.of("target", "serve-run.png");

  @Test
  void theRunPageDrawsEveryRowGrowsWithoutAReloadAndRunsCompareUntilOneIsDeleted(@TempDir Path tmp) throws IOException {
    Optional<Path> chromium = executable("chromium");
    Optional<Path> chromedriver = executable("chromedriver");
    if (chromium.isEmpty() || chromedriver.isEmpty()) {
      System.out.println("ServeBrowserTest skipped: chromium or chromedriver is not on the PATH (apt-get install chromium chromium-driver)");
    }
    assumeTrue(chromium.isPresent() && chromedriver.isPresent(), "chromium or chromedriver is not on the PATH");
    Path root = Files.createDirectory(tmp.resolve("served"));
    Path run = ServeFixture.write(root);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.get().toFile())
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(chromium.get().toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1500");
    try (RunServer server = RunServer.start(root, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + server.address().getPort();
      WebDriver browser = new ChromeDriver(service, options);
      try {
        browser.get(base + "/run/" + ServeFixture.RUN);
        long trainRows = ServeFixture.rows(run, "train");
        assertEquals(trainRows, points(browser, "bpd-step", "train (batch)"), "a point per training row of metrics.csv");
        assertEquals(ServeFixture.rows(run, "test"), points(browser, "bpd-step", "test"), "a point per evaluation row");

        script(browser, "window.sameDocument = true;");
        ServeFixture.appendTrainingRows(run, 50, 100);
        ServeFixture.png(run.resolve("samples").resolve("step0000100-t0.70.png"), java.awt.Color.RED);
        await("the chart grows by the 5 rows appended", () -> points(browser, "bpd-step", "train (batch)") == trainRows + 5);
        assertEquals(Boolean.TRUE, script(browser, "return window.sameDocument === true;"), "the page was not reloaded");
        WebElement slider = browser.findElement(By.cssSelector("figure.grid[data-key='t0.70'] input.step-slider"));
        assertEquals("2", slider.getAttribute("max"), "the new grid's step joined the slider");
        slider.sendKeys(Keys.HOME);
        assertTrue(browser.findElement(By.cssSelector("figure.grid[data-key='t0.70'] img")).getAttribute("src").endsWith("step0000000-t0.70.png"));
        script(browser, "window.scrollTo(0, 0);");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);

        browser.get(base + "/");
        for (WebElement box : browser.findElements(By.cssSelector("input[name=run]"))) {
          box.click();
        }
        browser.findElement(By.cssSelector("form button")).click();
        await("the comparison opens", () -> browser.getCurrentUrl().contains("/compare?"));
        assertEquals(2, browser.findElements(By.cssSelector("#test-step polyline.series")).size(), "both runs overlaid");
        assertEquals(2, browser.findElements(By.cssSelector("#test-step .legend li")).size(), "with a legend");

        try (Stream<Path> files = Files.walk(root.resolve(ServeFixture.OTHER_RUN))) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        WebElement notice = browser.findElement(By.id("notice"));
        await("the page says that a run it shows was deleted", () -> notice.isDisplayed() && notice.getText().contains("no longer exists"));
        assertEquals(2, browser.findElements(By.cssSelector("#test-step polyline.series")).size(), "and keeps what it last showed");
      } finally {
        browser.quit();
      }
    }
  }

  /** Waits up to 10 s for {@code condition}, looking every 100 ms; fails saying {@code what} did not happen. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "within 10 s: " + what);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting: " + what, e);
      }
    }
  }

  /** The points of a series' polyline in a chart, as the browser parsed them. */
  private static long points(WebDriver browser, String chart, String series) {
    return (Long) script(browser, "return document.querySelector(\"#" + chart + " polyline[data-series='" + series + "']\").points.numberOfItems;");
  }

  private static Object script(WebDriver browser, String code) {
    return ((JavascriptExecutor) browser).executeScript(code);
  }

  /** The program {@code name} on the PATH. */
  private static Optional<Path> executable(String name) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
  }
}
