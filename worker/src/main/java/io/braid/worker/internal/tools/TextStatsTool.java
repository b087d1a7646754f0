package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code text_stats}: counts characters, words and sentences of a text, estimates reading time, and lists its
 * most frequent words (stop words left out). Output is a JSON object.
 */
final class TextStatsTool implements BraidTool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STOP_WORDS = Set.of("the", "a", "an", "and", "or", "of", "to", "in", "on",
            "for", "is", "are", "was", "were", "be", "it", "its", "that", "this", "with", "as", "by", "at", "from",
            "but", "not", "can", "each", "into", "one", "no", "so", "than", "then", "they", "their", "we", "you");

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("text_stats")
                .description("Counts characters, words and sentences of a text and lists its most frequent words")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("text", "the text to analyse")
                        .addIntegerProperty("top", "how many frequent words to list (default 5)")
                        .required("text")
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) {
        JsonNode textNode = arguments.get("text");
        if (textNode == null || !textNode.isTextual()) {
            throw new ToolArgumentsException("text_stats needs {\"text\": \"...\"}, got " + arguments);
        }
        int top = arguments.path("top").asInt(5);
        if (top < 0 || top > 100) {
            throw new ToolArgumentsException("text_stats: top " + top + " must be between 0 and 100");
        }
        String text = textNode.textValue();
        String[] words = Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+"))
                .filter(w -> !w.isEmpty()).toArray(String[]::new);
        long sentences = Arrays.stream(text.split("[.!?]+")).filter(s -> !s.isBlank()).count();
        Map<String, Long> counts = Arrays.stream(words).filter(w -> !STOP_WORDS.contains(w) && w.length() > 2)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        ObjectNode result = JSON.createObjectNode()
                .put("characters", text.length())
                .put("words", words.length)
                .put("sentences", sentences)
                .put("readingSeconds", Math.round(words.length / 200.0 * 60));
        ObjectNode frequent = result.putObject("topWords");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(e -> frequent.put(e.getKey(), e.getValue()));
        return result.toString();
    }

}
