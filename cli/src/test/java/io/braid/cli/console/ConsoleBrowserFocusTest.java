package io.braid.cli.console;

import io.braid.client.JobFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

import java.time.Duration;

import static io.braid.cli.console.ConsoleBrowserTest.assumeBrowser;
import static io.braid.cli.console.ConsoleBrowserTest.browser;
import static io.braid.cli.console.ConsoleBrowserTest.text;
import static io.braid.cli.console.ConsoleBrowserTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jobs and fleet pages refresh themselves; a keyboard user's focus stays where it was across refreshes that
 * change the table it is in (real headless chromium, the fleet of {@link ConsoleBrowserTest}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserFocusTest {

    @BeforeAll
    static void start() throws Exception {
        ConsoleBrowserTest.start();
    }

    @AfterAll
    static void stop() throws Exception {
        ConsoleBrowserTest.stop();
    }

    /** Five LLM branches of 2.5 to 3.5 s one at a time: the job's row and the workers' rows change for 15 s. */
    private static void submitRunningJob(String jobId) {
        StringBuilder branches = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            branches.append(i == 0 ? "" : ",").append("{\"branchId\": \"b").append(i)
                    .append("\", \"kind\": \"LLM\", \"llm\": {\"userPrompt\": \"Say ").append(i).append("\"}}");
        }
        ConsoleBrowserTest.client.submit(JobFiles.parse("{\"jobId\": \"" + jobId + "\", \"maxConcurrency\": 1, "
                + "\"branches\": [" + branches + "]}", jobId));
    }

    private static Object script(String code) {
        return ((JavascriptExecutor) browser).executeScript(code);
    }

    /** The data-key of the focused element ("" when it has none, e.g. the body). */
    private static String focusedKey() {
        return String.valueOf(script("return document.activeElement.dataset.key || ''"));
    }

    /** Presses Tab from the page's start until the element with {@code key} has the focus. */
    private static void tabTo(String key) {
        script("document.activeElement.blur(); window.getSelection().removeAllRanges();");
        for (int i = 0; i < 40 && !focusedKey().equals(key); i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
        }
        assertThat(focusedKey()).as("Tab reaches " + key).isEqualTo(key);
    }

    /** Counts from now the changes the page's refreshes make under the element with {@code id}. */
    private static void countChanges(String id) {
        script("window.changes = 0; new MutationObserver(() => window.changes++).observe(document.getElementById('"
                + id + "'), {childList: true, subtree: true});");
    }

    private static long changes() {
        return ((Number) script("return window.changes")).longValue();
    }

    @Test
    @Order(1)
    void a_job_link_keeps_the_focus_while_the_jobs_list_refreshes() {
        assumeBrowser();
        ConsoleBrowserTest.signIn();
        submitRunningJob("focus-jobs");
        waitFor(By.cssSelector("tr[data-job='focus-jobs']"));
        tabTo("job-link:focus-jobs");
        countChanges("jobs-body");

        await().atMost(Duration.ofSeconds(60)).until(() -> changes() >= 2
                && text(By.cssSelector("tr[data-job='focus-jobs']")).contains("SUCCEEDED"));
        assertThat(focusedKey()).as("the focus after the refreshes").isEqualTo("job-link:focus-jobs");
    }

    @Test
    @Order(2)
    void the_workers_table_keeps_the_focus_while_the_fleet_page_refreshes() {
        assumeBrowser();
        browser.get(ConsoleBrowserTest.base + "#/fleet");
        await().atMost(Duration.ofSeconds(20)).until(() -> text(By.id("fleet")).contains("worker-"));
        submitRunningJob("focus-fleet");
        tabTo("table:Workers");
        countChanges("fleet");

        await().atMost(Duration.ofSeconds(60)).until(() -> changes() >= 2);
        assertThat(focusedKey()).as("the focus after the refreshes").isEqualTo("table:Workers");
    }
}
