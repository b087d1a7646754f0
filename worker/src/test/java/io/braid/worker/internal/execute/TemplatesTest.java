package io.braid.worker.internal.execute;

import dev.langchain4j.exception.NonRetriableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Placeholders are filled in one pass: a placeholder inside a value (a branch's output) is text. */
class TemplatesTest {

    @Test
    void placeholders_inside_values_are_left_as_text() {
        Map<String, String> inputs = Map.of("a", "A says {{b}}", "b", "B says {{a}} and {{metadata.team}}");

        String filled = Templates.fill("{{a}} / {{ b }} / {{metadata.team}}", inputs, Map.of("team", "{{a}}"),
                UnaryOperator.identity());

        assertThat(filled).isEqualTo("A says {{b}} / B says {{a}} and {{metadata.team}} / {{a}}");
    }

    @Test
    void outputs_naming_each_other_grow_the_text_only_by_their_own_size() {
        // the final step of a SYNTHESIZE job gets the branch outputs as inputs: refilled, this would be 10^30 long
        Map<String, String> outputs = new HashMap<>();
        StringBuilder template = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            outputs.put("b" + i, ("{{b" + (i + 1) + "}}").repeat(10));
            template.append("{{b").append(i).append("}}");
        }

        String filled = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Templates.fill(template.toString(), outputs));

        assertThat(filled).hasSize(outputs.values().stream().mapToInt(String::length).sum());
    }

    @Test
    void a_placeholder_without_a_value_is_an_error_naming_it_but_one_inside_a_value_is_not() {
        assertThat(Templates.fill("{{a}}", Map.of("a", "{{missing}}"))).isEqualTo("{{missing}}");
        assertThatThrownBy(() -> Templates.fill("{{missing}}", Map.of("a", "x")))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("no input 'missing'");
    }
}
