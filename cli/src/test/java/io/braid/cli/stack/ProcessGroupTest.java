package io.braid.cli.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A benchmark's child process tree — a stand-in for the Celery baseline: a leader, a child that ignores TERM, and a
 * grandchild re-parented to init, as Celery's prefork workers were — leaves nothing behind, whether the scenario
 * ends normally or the bench is interrupted.
 */
@EnabledOnOs(OS.LINUX)
class ProcessGroupTest {

    /** Prints "ready" once a TERM-ignoring child and an orphaned grandchild run, then waits. */
    static final String TREE = "trap '' TERM; (trap '' TERM; exec sleep 600) & (sleep 600 &) ; echo ready; "
            + "sleep 600";

    @Test
    void stopping_a_group_ends_every_process_in_it_and_removes_its_directory() throws Exception {
        Path scratch = Files.createTempDirectory("braid-bench-scratch");
        ProcessGroup group = ProcessGroup.start(new ProcessBuilder("bash", "-c", TREE)).removeOnStop(scratch);
        assertThat(firstLine(group.process())).isEqualTo("ready");
        assertThat(group.members()).as("leader, the TERM-ignoring child, the orphan").hasSizeGreaterThanOrEqualTo(3);

        group.stop();

        assertThat(ProcessGroup.membersOf(group.process().pid())).isEmpty();
        assertThat(scratch).doesNotExist();
    }

    @Test
    void an_interrupted_bench_stops_its_groups_on_the_way_out() throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Process bench = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"),
                Holder.class.getName()).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(bench.getInputStream(), StandardCharsets.UTF_8));
        long groupId = Long.parseLong(lines.readLine().strip());
        assertThat(lines.readLine()).isEqualTo("ready");
        assertThat(ProcessGroup.membersOf(groupId)).hasSizeGreaterThanOrEqualTo(3);

        bench.destroy(); // SIGTERM, as Ctrl-C or kill would

        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessGroup.membersOf(groupId).isEmpty());
        assertThat(bench.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    private static String firstLine(Process process) throws IOException {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    /** A bench stand-in in its own JVM: starts the tree, says its group and "ready", and waits to be stopped. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            ProcessGroup group = ProcessGroup.start(new ProcessBuilder("bash", "-c", TREE));
            System.out.println(group.process().pid());
            System.out.println(firstLine(group.process()));
            System.out.flush();
            group.process().waitFor();
        }
    }
}
