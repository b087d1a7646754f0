package io.braid.orchestrator.internal.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console API's query parsing: a parameter that is not URL-encoded is refused (a 400) naming it. */
class ConsoleServerQueryTest {

    @Test
    void decodes_the_parameters() {
        assertThat(ConsoleServer.query("q=a%20b&status=FAILED&empty="))
                .containsEntry("q", "a b").containsEntry("status", "FAILED").doesNotContainKey("empty");
    }

    @Test
    void a_parameter_that_is_not_url_encoded_is_refused_naming_it() {
        assertThatThrownBy(() -> ConsoleServer.query("status=FAILED&q=%zz"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query parameter 'q'");
        assertThatThrownBy(() -> ConsoleServer.query("%zz=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'%zz'");
    }
}
