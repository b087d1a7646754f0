package io.braid.worker.fleet;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test model whose prompt is its script, so each branch of a test says what its call does:
 * <ul>
 *   <li>{@code sleep <ms> <tag>} — answers after that long (interruptibly);</li>
 *   <li>{@code rate-limited <n> <tag>} — the first n calls with this prompt fail with a 429, then it answers;</li>
 *   <li>{@code bad-key <tag>} — fails with an authentication error.</li>
 * </ul>
 * It counts the calls it saw per prompt, to prove what ran how often.
 */
final class ScriptedChatModel implements ChatModel {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    int calls(String prompt) {
        AtomicInteger count = calls.get(prompt);
        return count == null ? 0 : count.get();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        String prompt = "";
        for (ChatMessage message : request.messages()) {
            if (message instanceof UserMessage user && user.hasSingleText()) {
                prompt = user.singleText();
            }
        }
        int call = calls.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
        String[] words = prompt.split(" ");
        switch (words[0]) {
            case "sleep" -> {
                try {
                    Thread.sleep(Long.parseLong(words[1]));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RateLimitException("interrupted", e);
                }
            }
            case "rate-limited" -> {
                if (call <= Integer.parseInt(words[1])) {
                    throw new RateLimitException("429 Too Many Requests (call " + call + ")");
                }
            }
            case "bad-key" -> throw new AuthenticationException("401 invalid API key");
            default -> throw new IllegalArgumentException("no script in prompt '" + prompt + "'");
        }
        return ChatResponse.builder().aiMessage(AiMessage.from("done: " + prompt)).modelName("scripted").build();
    }
}
