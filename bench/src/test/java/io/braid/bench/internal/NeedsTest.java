package io.braid.bench.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A flow scenario's worker config read with the worker's reader: a refused setting names what the scenario needs. */
class NeedsTest {

    @Test
    void a_setting_the_worker_refuses_fails_naming_the_feature_and_the_setting(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("worker.yaml"), """
                defaultModel: sim
                models:
                  sim: { provider: simulated, notYetASetting: 1 }
                """);

        assertThatThrownBy(() -> Needs.workerConfig(config, "the feature X (issue 20 worker side)"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("needs the feature X (issue 20 worker side): ")
                .hasMessageContaining("notYetASetting");
    }

    @Test
    void a_config_the_worker_reads_is_returned(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("worker.yaml"), """
                defaultModel: sim
                models:
                  sim: { provider: simulated, minLatency: 100ms, maxLatency: 100ms }
                """);

        assertThat(Needs.workerConfig(config, "nothing new").defaultModelName()).isEqualTo("sim");
    }
}
