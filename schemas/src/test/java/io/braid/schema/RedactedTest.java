package io.braid.schema;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Options records print every setting but their secrets. */
class RedactedTest {

    private record Options(String registryUrl, String apiToken, Map<String, String> kafkaProperties, int port) {
        @Override
        public String toString() {
            return Redacted.toString(this);
        }
    }

    @Test
    void secrets_by_name_url_passwords_and_secret_properties_are_masked() {
        Options options = new Options("https://svc:s3cret@registry:8081", "tok-123",
                Map.of("sasl.jaas.config", "ScramLoginModule required password=\"pw\";",
                        "ssl.truststore.password", "changeit", "security.protocol", "SASL_SSL"), 8088);

        assertThat(options.toString()).isEqualTo("Options[registryUrl=https://svc:***@registry:8081, apiToken=***, "
                + "kafkaProperties={sasl.jaas.config=***, security.protocol=SASL_SSL, ssl.truststore.password=***}, "
                + "port=8088]");
    }
}
