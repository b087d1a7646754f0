package io.braid.orchestrator;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Printed orchestrator options carry no secret. */
class OrchestratorOptionsPrintTest {

    @Test
    void the_registry_password_and_secret_kafka_properties_are_masked() {
        String printed = OrchestratorOptions.builder("127.0.0.1:9092", "https://svc:s3cret@registry:8081")
                .kafkaProperties(Map.of("ssl.keystore.password", "k3ystore", "security.protocol", "SSL"))
                .build().toString();

        assertThat(printed).contains("registryUrl=https://svc:***@registry:8081", "ssl.keystore.password=***",
                "security.protocol=SSL").doesNotContain("s3cret").doesNotContain("k3ystore");
    }
}
