package dev.snailtrail.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.cli.LiveController;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.trail.TrailEvent;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser (headless Chromium through Selenium) against a controller on
 * the simulator: the demo rollout renders with its phase trail, gates and events and keeps itself
 * up to date; a person approves its manual phase from the page; a wrong token is refused where the
 * person can see it.
 */
@Timeout(180)
class StatusPageIT {
  private static final String ROLLOUT = "shine-api-gateway";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration PAGE_WAIT = Duration.ofSeconds(60);

  @TempDir static Path browserHome;
  @TempDir Path store;

  private static ChromeDriverService service;
  private static WebDriver browser;
  private LiveController controller;

  @BeforeAll
  static void startBrowser() throws Exception {
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(p)) {
        throw new AssertionError(
            p
                + " is not installed: the status page is tested in headless Chromium. Run"
                + " scripts/ensure-chromium.sh (as root it installs chromium and chromium-driver)");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,820",
        "--user-data-dir=" + Files.createDirectories(browserHome.resolve("profile")));
    // The distribution's driver, never one Selenium would download.
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    try {
      browser = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      throw new AssertionError("headless Chromium did not start: " + e.getMessage(), e);
    }
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  @AfterEach
  void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  private void open() {
    // A fresh tab state: no token kept from the test before.
    browser.get(controller.url() + "/");
    ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("sessionStorage.clear(); localStorage.clear();");
    browser.navigate().refresh();
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(browser, PAGE_WAIT, Duration.ofMillis(100));
  }

  private String text(String css) {
    return waiting()
        .ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElement(By.cssSelector(css)).getText());
  }

  private void waitForText(String css, String expected) {
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .withMessage(() -> css + " never said '" + expected + "'; it said: " + textOrNone(css))
        .until(d -> textOrNone(css).contains(expected));
  }

  private String textOrNone(String css) {
    List<WebElement> found = browser.findElements(By.cssSelector(css));
    try {
      return found.isEmpty() ? "(nothing)" : found.get(0).getText();
    } catch (StaleElementReferenceException e) {
      return "(redrawn)";
    }
  }

  private void signIn(String token, String who) {
    WebElement name = browser.findElement(By.id("who"));
    name.clear();
    name.sendKeys(who);
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("use-token")).click();
  }

  /** Clicks a verb's button on the rollout's card and answers the page's question with yes. */
  private String act(String verb) {
    String css = "#rollout-" + ROLLOUT + " button[data-verb=" + verb + "]";
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              WebElement b = d.findElement(By.cssSelector(css));
              if (!b.isEnabled()) {
                return false;
              }
              b.click();
              return true;
            });
    Alert question = waiting().until(ExpectedConditions.alertIsPresent());
    String asked = question.getText();
    question.accept();
    return asked;
  }

  private String card() {
    return "#rollout-" + ROLLOUT;
  }

  @Test
  void theDemoRendersLiveAndIsApprovedFromThePage() throws Exception {
    controller = LiveController.start(store, 60, false);
    controller.applyExample("snail-trail.yaml");
    open();
    // Reads need the token: the page says so and shows nothing.
    waitForText("#auth-state", "This controller needs its API token to show rollouts");
    assertThat(browser.findElements(By.cssSelector(card()))).isEmpty();

    signIn(LiveController.TOKEN, "alice");
    waitForText(card() + " ol.phases", "first-steps");
    assertThat(text(card() + " ol.phases"))
        .contains("first-steps", "exploration", "foundation", "victory-lap");
    // A gate measured, as the page shows it while phase 1 is analyzed or baked.
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .withMessage("no measured gate appeared on the page")
        .until(d -> d.findElements(By.cssSelector(card() + " td.Passed")).size() >= 1);

    assertThat(act("pause")).contains("Pause " + ROLLOUT).contains("As alice");
    waitForText(card() + " .badge", "Paused");
    assertThat(controller.status(ROLLOUT).phase()).isEqualTo(StatusPhase.Paused);
    assertThat(text(card() + " .gates")).contains("Gates of ").contains("passed");
    act("resume");
    waitForText(card() + " .badge", "Progressing");

    // Phase 4 waits for a person; the page keeps itself up to date until it does.
    waitForText(card() + " .meta", "AwaitingApproval");
    assertThat(text(card() + " ol.phases li[data-phase=victory-lap]"))
        .contains("▶ victory-lap")
        .contains("AwaitingApproval");
    assertThat(text(card() + " ol.phases li[data-phase=foundation]")).startsWith("✓");
    assertThat(text(card() + " ul.events")).contains("ApprovalRequired");

    assertThat(act("approve")).contains("Approve phase victory-lap of " + ROLLOUT);
    waitForText("#notice", "approved by alice; victory-lap starts next");
    // The next status shows the phase deploying, on the page and in the controller.
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .withMessage(() -> "the page never showed victory-lap past its approval")
        .until(d -> !textOrNone(card() + " .meta").contains("AwaitingApproval"));
    assertThat(text(card() + " ol.phases li[data-phase=victory-lap]")).contains("▶ victory-lap");
    RolloutStatus after = controller.status(ROLLOUT);
    assertThat(after.currentPhase().name()).isEqualTo("victory-lap");
    assertThat(after.step()).isNotEqualTo(Step.AwaitingApproval);
    assertThat(controller.plane().trail(ROLLOUT, 0, 1000))
        .extracting(TrailEvent::message)
        .contains("Phase victory-lap approved by alice");
    waitForText(card() + " ul.events", "Phase victory-lap approved by alice");

    // The phase goes on live: its gates measured on the page.
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .withMessage("victory-lap's gates were never measured on the page")
        .until(
            d ->
                textOrNone(card() + " .gates h3").contains("victory-lap")
                    && !d.findElements(By.cssSelector(card() + " td.Passed")).isEmpty());
    screenshot();
    waitForText(card() + " .badge", "Healthy");
  }

  @Test
  void aWrongTokenIsRefusedWhereThePersonSeesIt() throws Exception {
    controller = LiveController.start(store, 300, true);
    controller.applyExample("snail-trail.yaml");
    controller.await(
        ROLLOUT, "awaiting approval", s -> s.step() == Step.AwaitingApproval, PAGE_WAIT);
    open();
    // Open reads: the rollout shows without a token, and the page says what a token would add.
    waitForText(card() + " .meta", "AwaitingApproval");
    waitForText("#auth-state", "Reading without a token: secrets are masked");

    signIn("not-the-token", "mallory");
    waitForText("#auth-state", "The controller did not accept this token");
    act("approve");
    waitForText(
        "#notice", "The controller refused the token: the bearer token is not the controller's");
    assertThat(browser.findElement(By.id("notice")).getDomAttribute("class")).isEqualTo("bad");
    assertThat(controller.status(ROLLOUT).step()).isEqualTo(Step.AwaitingApproval);
    assertThat(controller.plane().trail(ROLLOUT, 0, 1000))
        .extracting(TrailEvent::message)
        .noneMatch(m -> m.contains("mallory"));
    // Never in the address, whatever was typed.
    assertThat(browser.getCurrentUrl()).isEqualTo(controller.url() + "/");
  }

  private void screenshot() throws Exception {
    byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Path target = Path.of("target", "status-page.png");
    Files.write(target, png);
    String keep = System.getProperty("snailtrail.screenshot");
    if (keep != null && !keep.isBlank()) {
      Files.write(Path.of(keep), png);
    }
  }
}
