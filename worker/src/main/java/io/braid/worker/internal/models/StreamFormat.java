package io.braid.worker.internal.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.http.client.sse.ServerSentEvent;

/**
 * How a provider frames a streamed answer and marks its end, so {@link ProviderHttpClient} refuses what
 * langchain4j's streaming models let pass: a frame that is not a JSON object (their parsers log it and go on, so
 * its text is lost from an answer that still looks whole) and a stream that stops before its end marker (OpenAI's
 * model answers the text so far as if complete; Anthropic's and Ollama's never answer at all).
 */
enum StreamFormat {

    /** OpenAI chat completions: Server-Sent Events of JSON chunks, then {@code data: [DONE]}. */
    OPENAI("data: [DONE]") {
        @Override
        boolean isEnd(ServerSentEvent event, JsonNode data) {
            return false;
        }

        @Override
        boolean isEndMarker(String data) {
            return "[DONE]".equals(data);
        }
    },
    /** Anthropic Messages API: named Server-Sent Events, then {@code event: message_stop}. */
    ANTHROPIC("event: message_stop") {
        @Override
        boolean isEnd(ServerSentEvent event, JsonNode data) {
            return "message_stop".equals(event.event());
        }
    },
    /** Ollama's {@code /api/chat}: one JSON object a line, the last with {@code "done": true} and the usage. */
    OLLAMA("a line with \"done\": true") {
        @Override
        boolean isEnd(ServerSentEvent event, JsonNode data) {
            JsonNode done = data.get("done");
            return done != null && done.isBoolean() && done.booleanValue();
        }
    };

    /** What a frame is to the stream. */
    enum Frame { SKIP, DATA, END }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most of a bad frame quoted in the failure. */
    private static final int QUOTED = 120;

    private final String endMarker;

    StreamFormat(String endMarker) {
        this.endMarker = endMarker;
    }

    /** The end marker, as a failure names it. */
    String endMarker() {
        return endMarker;
    }

    abstract boolean isEnd(ServerSentEvent event, JsonNode data);

    boolean isEndMarker(String data) {
        return false;
    }

    /**
     * Reads one frame: blank (skip), data, or the end; a frame that is not a JSON object fails with
     * {@link MalformedResponseException}. {@code where} names the frame in that failure.
     */
    Frame read(ServerSentEvent event, String where) {
        String data = event.data() == null ? "" : event.data().trim();
        if (data.isEmpty()) {
            return Frame.SKIP;
        }
        if (isEndMarker(data)) {
            return Frame.END;
        }
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw malformed(where, data, e);
        }
        if (node == null || !node.isObject()) {
            throw malformed(where, data, null);
        }
        return isEnd(event, node) ? Frame.END : Frame.DATA;
    }

    static MalformedResponseException malformed(String where, String data, Throwable cause) {
        String quoted = Redaction.scrub(data.length() > QUOTED ? data.substring(0, QUOTED) + "…" : data);
        return new MalformedResponseException(where + " is not a JSON object: " + quoted, cause);
    }
}
