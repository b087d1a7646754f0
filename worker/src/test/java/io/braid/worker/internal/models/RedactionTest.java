package io.braid.worker.internal.models;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Secrets masked in text that leaves the worker: the keys it holds, and common key shapes. */
class RedactionTest {

    @Test
    void the_configured_key_is_masked_whatever_its_shape() {
        assertThat(Redaction.scrub("key 'corp.internal.Key/0042' was refused", List.of("corp.internal.Key/0042")))
                .isEqualTo("key '[redacted]' was refused");
    }

    @Test
    void common_key_shapes_and_bearer_tokens_are_masked_and_ordinary_text_is_not() {
        String text = "Incorrect API key provided: sk-proj-AbCdEf123456; anthropic sk-ant-api03-xyzXYZ0123; "
                + "Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9; {\"api_key\": \"abcd1234efgh\"}; "
                + "google AIzaSyA1234567890abcdefghijklmnopqrstu; task-list risk-free";

        assertThat(Redaction.scrub(text)).isEqualTo("Incorrect API key provided: [redacted]; anthropic [redacted]; "
                + "Authorization: Bearer [redacted]; {\"api_key\": \"[redacted]\"}; google [redacted]; "
                + "task-list risk-free");
    }

    @Test
    void short_keys_are_not_searched_for() {
        assertThat(Redaction.scrub("a test of the rest", List.of("test"))).isEqualTo("a test of the rest");
    }
}
