package io.braid.cli.console;

import io.braid.cli.stack.LocalFleet;
import io.braid.client.BraidClient;
import io.braid.client.JobFiles;
import io.braid.orchestrator.ApiTokens;
import io.braid.orchestrator.ConsoleSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console in a real headless browser (Debian's chromium and chromedriver) against a real broker, registry,
 * orchestrator and two workers: the page refuses a visitor without a token; a running job's timeline bars appear and
 * grow while a running branch's output streams in; a branch's detail opens from the keyboard, its huge output cut
 * with the whole a click away; a failed job is replayed from the dead-letters page (dry run first) and its round 2
 * completes; unknown and hostile job ids stay text; every control has a label and Tab reaches the skip link first.
 * Screenshots of each page go to {@code target/console-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final String TOKEN = "console-test-operate-token";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final int MAX_OUTPUT_CHARS = 300;
    private static final int MAX_STREAMS = 6;
    /** Calls of 2.5 to 3.5 s: long enough to watch a bar grow. */
    private static final String CONFIG = """
            defaultModel: sim
            models:
              sim: { provider: simulated, minLatency: 2500ms, maxLatency: 3500ms }
            """;

    // package-private: ConsoleBrowserFocusTest starts the same fleet and browser and drives them with these helpers
    static LocalFleet fleet;
    static BraidClient client;
    static WebDriver browser;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        Path config = Files.createTempFile("console-worker", ".yaml");
        Files.writeString(config, CONFIG);
        ApiTokens tokens = ApiTokens.none().with("console-operator", ApiTokens.Scope.OPERATE, TOKEN);
        fleet = LocalFleet.start(2, w -> w.config(io.braid.worker.WorkerConfig.load(config)),
                o -> o.apiTokens(tokens).console(ConsoleSettings.defaults().withMaxStreams(MAX_STREAMS)
                        .withMaxOutputChars(MAX_OUTPUT_CHARS)));
        fleet.awaitReady(Duration.ofSeconds(60));
        client = new BraidClient(fleet.bootstrapServers(), fleet.registryUrl(), fleet.topics());
        base = "http://127.0.0.1:" + fleet.orchestrator().httpPort().orElseThrow() + "/console/";
        Files.createDirectories(SHOTS);
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            return; // the browser tests skip, saying why (assumeBrowser); the data API's test runs
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .build(), options);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (client != null) {
            client.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void the_page_without_a_token_is_refused() throws Exception {
        assumeBrowser();
        HttpResponse<String> data = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base + "api/jobs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(data.statusCode()).isEqualTo(401);

        browser.get(base);
        WebElement token = waitFor(By.id("token"));
        shot("login");
        token.sendKeys("not-the-token", Keys.ENTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.cssSelector(".login .error"))
                .contains("refused"));
        assertThat(browser.findElements(By.id("jobs-body"))).isEmpty();

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    @Order(2)
    void a_running_jobs_timeline_bars_appear_and_grow() throws Exception {
        assumeBrowser();
        signIn();
        String big = "x".repeat(5_000);
        client.submit(JobFiles.parse("""
                {"jobId": "console-live", "inputs": {"topic": "rivers"},
                 "branches": [
                   {"branchId": "summary", "kind": "LLM", "llm": {"userPrompt": "Summarize {{topic}}"}},
                   {"branchId": "facts", "kind": "LLM", "llm": {"userPrompt": "Facts about {{topic}}"}},
                   {"branchId": "big", "kind": "TOOL", "tool": {"name": "json_extract",
                     "argumentsJson": {"document": "{\\"text\\": \\"%s\\"}", "path": "$.text"}}}]}
                """.formatted(big), "console-live"));
        await().atMost(Duration.ofSeconds(20)).until(() -> apiGet("api/jobs/console-live"),
                body -> body.contains("\"branchId\":\"facts\""));
        browser.get(base + "#/jobs/console-live");
        WebElement bar = waitFor(By.cssSelector(".bar.state-RUNNING[data-branch='facts']"));
        double first = width(bar);
        browser.findElements(By.cssSelector("button.branch")).stream().filter(b -> b.getText().startsWith("facts"))
                .findFirst().orElseThrow().click();
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("partial-facts")).matches("(?s).*\\w.*")
                && !text(By.id("partial-facts")).startsWith("(nothing yet"));
        shot("branch-streaming");
        await().atMost(Duration.ofSeconds(10)).until(() -> width(browser.findElement(
                By.cssSelector(".bar[data-branch='facts']"))) > first + 2);
        shot("job-running");
        await().atMost(Duration.ofSeconds(30)).until(() -> text(By.id("job-status")).contains("SUCCEEDED"));
        assertThat(browser.findElements(By.cssSelector(".bar.state-SUCCEEDED"))).hasSize(3);
        shot("job");
        browser.findElement(By.linkText("Jobs")).click();
        waitFor(By.linkText("console-live"));
        shot("jobs");
    }

    @Test
    @Order(3)
    void a_branch_detail_opens_from_the_keyboard_and_a_huge_output_is_cut_with_a_link() throws IOException {
        assumeBrowser();
        browser.get(base + "#/jobs/console-live");
        waitFor(By.cssSelector(".bar.state-SUCCEEDED"));
        WebElement summaryButton = browser.findElements(By.cssSelector("button.branch")).stream()
                .filter(b -> b.getText().startsWith("summary")).findFirst().orElseThrow();
        summaryButton.sendKeys(Keys.ENTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("detail-output")).contains("[simulated]"));
        assertThat(text(By.id("detail-prompt"))).isEqualTo("Summarize rivers");
        assertThat(text(By.id("branch-detail"))).contains("Tokens", "worker-");

        WebElement bigButton = browser.findElements(By.cssSelector("button.branch")).stream()
                .filter(b -> b.getText().startsWith("big")).findFirst().orElseThrow();
        bigButton.click();
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("output-cut"))
                .matches("(?s).*first " + MAX_OUTPUT_CHARS + " of 500\\d characters.*"));
        assertThat(text(By.id("detail-output"))).hasSize(MAX_OUTPUT_CHARS);
        shot("branch-detail");
        browser.findElement(By.id("full-output")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("detail-output")).length() >= 5_000);
    }

    @Test
    @Order(4)
    void a_failed_jobs_replay_from_the_page_completes_in_round_2() throws Exception {
        assumeBrowser();
        client.submit(JobFiles.parse("""
                {"jobId": "console-failed", "branches": [
                   {"branchId": "ok", "kind": "TOOL", "tool": {"name": "calculator", "argumentsJson": {"expression": "6*7"}}},
                   {"branchId": "broken", "kind": "TOOL", "tool": {"name": "no_such_tool", "argumentsJson": {}}}]}
                """, "console-failed"));
        browser.get(base + "#/dead-letters");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.findElements(By.xpath("//button[text()='Refresh']")).forEach(WebElement::click);
            return !browser.findElements(By.cssSelector("tr[data-job='console-failed']")).isEmpty();
        });
        shot("dead-letters");
        browser.findElement(By.cssSelector("tr[data-job='console-failed'] button.replay-job")).click();
        browser.findElement(By.cssSelector("#dlq-replay button.replay-check")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> text(By.cssSelector("#dlq-replay .dry-run"))
                .startsWith("Dry run:"));
        shot("replay-dry-run");
        waitFor(By.cssSelector("#dlq-replay button.replay-confirm")).click();
        waitFor(By.cssSelector("#dlq-replay .replay-sent a")).click();
        await().atMost(Duration.ofSeconds(60)).until(() -> text(By.id("job-round")).endsWith("2")
                && !text(By.id("job-status")).contains("RUNNING"));
        assertThat(text(By.id("job-result"))).contains("round 2");
        shot("job-replayed");
    }

    @Test
    @Order(5)
    void unknown_and_hostile_job_ids_are_answered_as_text() throws Exception {
        assumeBrowser();
        browser.get(base + "#/jobs/no-such-job");
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.cssSelector("main .error"))
                .contains("no job 'no-such-job'"));

        // no '/' (refused in job ids), so no closing tag: an opening <script> and an <img> with a handler
        String hostile = "x<script>window.pwned=1<script><img src=x onerror=\"window.pwned=2\">";
        client.submit(JobFiles.parse("""
                {"jobId": "%s", "branches": [
                   {"branchId": "m", "kind": "TOOL", "tool": {"name": "calculator", "argumentsJson": {"expression": "1+1"}}}]}
                """.formatted(hostile.replace("\"", "\\\"")), "hostile"));
        browser.get(base + "#/jobs");
        await().atMost(Duration.ofSeconds(30)).until(() -> apiGet("api/jobs"), body -> body.contains("window.pwned=1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("jobs-body")).contains(hostile));
        browser.get(base + "#/jobs/" + URLEncoder.encode(hostile, StandardCharsets.UTF_8).replace("+", "%20"));
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("job-id")).equals(hostile));
        assertThat(browser.findElements(By.cssSelector("main img, main script"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined")).isEqualTo(true);
    }

    @Test
    @Order(6)
    void every_control_is_labelled_and_the_keyboard_reaches_the_content_first() {
        assumeBrowser();
        for (String page : new String[] {"#/jobs", "#/dead-letters", "#/jobs/console-failed"}) {
            browser.get(base + page);
            waitFor(By.cssSelector("main h1"));
            Object unlabelled = ((JavascriptExecutor) browser).executeScript("""
                    return Array.from(document.querySelectorAll('input, select, button'))
                      .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                        && !e.textContent.trim()).map(e => e.outerHTML);""");
            assertThat((java.util.List<?>) unlabelled).as("controls without a label on " + page).isEmpty();
        }
        browser.get(base + "#/jobs");
        browser.navigate().refresh();
        waitFor(By.id("f-status"));
        new org.openqa.selenium.interactions.Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to content");
    }

    @Test
    @Order(7)
    void the_fleet_page_shows_the_workers_and_the_backlog() throws Exception {
        assumeBrowser();
        browser.get(base + "#/fleet");
        await().atMost(Duration.ofSeconds(20)).until(() -> text(By.id("fleet")).contains("worker-1"));
        assertThat(text(By.id("fleet"))).contains("Task backlog", "Orchestrators");
        // the workers' heartbeats: a captioned table of each worker's live state, and one of its models
        await().atMost(Duration.ofSeconds(20)).until(() -> text(By.id("live-workers")).contains("worker-2"));
        assertThat(text(By.id("live-workers"))).contains("Workers by their last status", "worker-1", "RUNNING",
                "/ 256");
        assertThat(browser.findElements(By.cssSelector("#live-workers th[scope='row']"))).hasSize(2);
        assertThat(text(By.id("live-models"))).contains("Rate limits per worker and model", "sim");
        assertThat(browser.findElements(By.id("live-note"))).isEmpty();
        shot("fleet");
    }

    @Test
    @Order(9)
    void the_data_api_refuses_bad_input_and_keeps_its_stream_limit() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "api/jobs")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("no token").isEqualTo(401);
        assertThat(get("api/jobs?limit=abc")).satisfies(r -> assertThat(r.statusCode()).isEqualTo(400))
                .extracting(HttpResponse::body).asString().contains("limit 'abc'");
        assertThat(get("api/jobs?sinceMinutes=0").body()).contains("sinceMinutes '0' must be");
        assertThat(get("api/jobs?status=%3Cscript%3E").statusCode()).isEqualTo(400);
        assertThat(get("%2e%2e/%2e%2e/etc/passwd").statusCode()).isEqualTo(404);
        HttpResponse<String> unknown = get("api/jobs/" + URLEncoder.encode("<script>\"x", StandardCharsets.UTF_8));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(unknown.body()).get("error").asText())
                .contains("no job '<script>\"x'");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "api/jobs")).header("Authorization",
                "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);

        client.submit(JobFiles.parse("""
                {"jobId": "console-streams", "branches": [
                   {"branchId": "m", "kind": "TOOL", "tool": {"name": "calculator", "argumentsJson": {"expression": "1+1"}}}]}
                """, "console-streams"));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("api/jobs/console-streams").statusCode() == 200);
        java.util.List<java.io.InputStream> open = new java.util.ArrayList<>();
        try {
            HttpResponse<java.io.InputStream> refused = null;
            for (int i = 0; i <= MAX_STREAMS + 8 && refused == null; i++) {
                HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                        URI.create(base + "api/jobs/console-streams/stream")).header("Authorization", "Bearer " + TOKEN)
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                open.add(stream.body());
                refused = stream.statusCode() == 429 ? stream : null;
            }
            assertThat(refused).as("a stream past --console-max-streams " + MAX_STREAMS).isNotNull();
            assertThat(open).hasSizeLessThanOrEqualTo(MAX_STREAMS + 1);
            assertThat(new String(refused.body().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("--console-max-streams");
        } finally {
            for (java.io.InputStream stream : open) {
                stream.close();
            }
        }
    }

    static void assumeBrowser() {
        Assumptions.assumeTrue(browser != null, "skipped: needs Debian's chromium and chromium-driver "
                + "(/usr/bin/chromium, /usr/bin/chromedriver); .ci/run installs them: apt-get install -y chromium "
                + "chromium-driver");
    }

    static void signIn() {
        browser.get(base);
        WebElement token = waitFor(By.id("token"));
        token.sendKeys(TOKEN, Keys.ENTER);
        waitFor(By.id("f-status"));
    }

    private static String apiGet(String path) throws Exception {
        return get(path).body();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    static WebElement waitFor(By by) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElements(by).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null), e -> e != null);
    }

    /** The text of the first element found, "" when there is none (or it was just replaced). */
    static String text(By by) {
        try {
            return browser.findElements(by).stream().map(WebElement::getText).findFirst().orElse("");
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return "";
        }
    }

    private static double width(WebElement element) {
        try {
            return element.getRect().getWidth();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return -1;
        }
    }

    static void shot(String name) throws IOException {
        File file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(file.toPath(), SHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
