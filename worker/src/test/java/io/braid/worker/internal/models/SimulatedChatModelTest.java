package io.braid.worker.internal.models;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulated model's text handling, scanned by hand, and its zero-latency calls. */
class SimulatedChatModelTest {

    /** Whitespace the regex {@code \s} matches, characters it does not, and ordinary text. */
    private static final char[] ALPHABET = {' ', '\t', '\n', '\u000B', '\f', '\r', '\u0001', '\u00A0', '\u2003',
            'a', 'b', 'é', '-', '"'};

    @Test
    void wordsAndAbbreviationsMatchTheRegexDefinitionsOnRandomText() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            String text = new String(chars);
            String trimmed = text.trim();
            int regexWords = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
            String regexFlat = text.replaceAll("\\s+", " ").trim();
            String regexAbbreviated = regexFlat.length() <= 6 ? regexFlat : regexFlat.substring(0, 3) + "...";

            assertThat(SimulatedChatModel.words(text)).as("words of %s", escaped(text)).isEqualTo(regexWords);
            assertThat(SimulatedChatModel.abbreviate(text, 6)).as("abbreviation of %s", escaped(text))
                    .isEqualTo(regexAbbreviated);
        }
    }

    @Test
    void aZeroLatencyCallAnswersAndAnInterruptedOneFailsRetriably() {
        SimulatedChatModel model = new SimulatedChatModel("noop", Duration.ZERO, Duration.ZERO);
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("say  hello\n world")).build();

        ChatResponse response = model.chat(request);
        assertThat(response.aiMessage().text()).startsWith(SimulatedChatModel.LABEL)
                .contains("answering \"say hello world\"");
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(3);

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> model.chat(request)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt stays set").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : (char) c));
        return out.append('"').toString();
    }

    @Test
    void a_heavy_tail_makes_its_share_of_calls_slow_in_the_same_places_each_run() {
        SimulatedChatModel model = new SimulatedChatModel("tail", Duration.ZERO, Duration.ZERO, false, 0.05, 10);
        SimulatedChatModel again = new SimulatedChatModel("tail", Duration.ZERO, Duration.ZERO, false, 0.05, 10);
        java.util.List<Boolean> slow = new java.util.ArrayList<>();
        java.util.List<Boolean> slowAgain = new java.util.ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            slow.add(model.nextCallSlow("prompt " + (i % 10)));
            slowAgain.add(again.nextCallSlow("prompt " + (i % 10)));
        }

        assertThat(slow).isEqualTo(slowAgain);
        assertThat(slow.stream().filter(s -> s).count()).as("about 5 %% of 4,000").isBetween(140L, 260L);
        assertThat(new SimulatedChatModel("none", Duration.ZERO, Duration.ZERO).nextCallSlow("p")).isFalse();
    }

    @Test
    void a_slow_call_takes_the_factor_times_its_latency() {
        SimulatedChatModel allSlow = new SimulatedChatModel("tail", Duration.ofMillis(20), Duration.ofMillis(20),
                false, 1.0, 5);
        long start = System.nanoTime();

        allSlow.chat("hello");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void a_call_of_a_second_or_more_streams_its_answer_in_pieces_that_add_up_to_it() throws Exception {
        SimulatedChatModel model = new SimulatedChatModel("streamer", Duration.ofMillis(1000), Duration.ofMillis(1000));
        java.util.List<String> pieces = new java.util.concurrent.CopyOnWriteArrayList<>();

        String answer = PartialOutput.to(pieces::add, () -> model.chat(dev.langchain4j.model.chat.request.ChatRequest
                .builder().messages(dev.langchain4j.data.message.UserMessage.from("stream me please")).build())
                .aiMessage().text());

        assertThat(pieces).hasSizeGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(answer).startsWith(SimulatedChatModel.LABEL);
    }
}
