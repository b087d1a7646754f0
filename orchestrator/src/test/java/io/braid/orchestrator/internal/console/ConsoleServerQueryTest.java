package io.braid.orchestrator.internal.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console API's query parsing: a parameter that is not URL-encoded is refused (a 400) naming it. */
class ConsoleServerQueryTest {

    private static final Cut CUT = new Cut(20);

    @Test
    void decodes_the_parameters() {
        assertThat(ConsoleServer.query("q=a%20b&status=FAILED&empty=", CUT))
                .containsEntry("q", "a b").containsEntry("status", "FAILED").doesNotContainKey("empty");
    }

    @Test
    void a_parameter_that_is_not_url_encoded_is_refused_naming_it() {
        assertThatThrownBy(() -> ConsoleServer.query("status=FAILED&q=%zz", CUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query parameter 'q'");
        assertThatThrownBy(() -> ConsoleServer.query("%zz=1", CUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'%zz'");
    }

    @Test
    void a_parameter_longer_than_a_name_is_refused_naming_it_and_the_limit() {
        assertThatThrownBy(() -> ConsoleServer.query("tenant=" + "t".repeat(21), CUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query parameter 'tenant' is 21 characters, over the limit of 20")
                .hasMessageContaining("--console-max-name-chars");
    }
}
