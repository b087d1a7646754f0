package io.braid.worker.internal.models;

import io.braid.testing.FakeModelServer;
import io.braid.worker.internal.config.ModelProvider;

import java.util.List;

/**
 * An Ollama model with {@code stream: true} ({@code /api/chat} as NDJSON, the last line {@code "done": true} with
 * {@code prompt_eval_count} and {@code eval_count}): the streaming contract.
 */
class OllamaStreamingTest extends StreamingProviderContract {

    OllamaStreamingTest() {
        super(new Wire(ModelProvider.OLLAMA, "", "application/x-ndjson", FakeModelServer::ollamaStream,
                FakeModelServer::ollamaAnswer,
                (status, message) -> FakeModelServer.Reply.json(status, "{\"error\":\"" + message + "\"}"),
                List.of("<html>bad gateway</html>\n",
                        "{\"model\":\"fake-model\",\"message\":{\"role\":\"assistant\",\"content\":\"x\n",
                        "[1,2]\n",
                        "{\"model\":\"fake-model\",\"message\":[1],\"done\":false}\n"),
                "\"done\": true"));
    }
}
