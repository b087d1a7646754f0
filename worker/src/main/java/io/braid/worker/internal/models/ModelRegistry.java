package io.braid.worker.internal.models;

import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.model.chat.ChatModel;

import java.util.Map;
import java.util.Objects;

/** The worker's named models; a branch names one or gets the default. */
public final class ModelRegistry {

    private final Map<String, ChatModel> models;
    private final String defaultModel;

    public ModelRegistry(Map<String, ChatModel> models, String defaultModel) {
        this.models = Map.copyOf(models);
        this.defaultModel = Objects.requireNonNull(defaultModel, "defaultModel");
        if (!this.models.containsKey(defaultModel)) {
            throw new IllegalArgumentException("default model '" + defaultModel + "' is not among the configured "
                    + "models " + this.models.keySet());
        }
    }

    /** The name actually used for {@code requested} (null = the default). */
    public String resolveName(String requested) {
        return requested == null || requested.isBlank() ? defaultModel : requested;
    }

    /** The same models, each replaced by {@code decorate.apply(name, model)}. */
    public ModelRegistry map(java.util.function.BiFunction<String, ChatModel, ChatModel> decorate) {
        Map<String, ChatModel> decorated = new java.util.HashMap<>();
        models.forEach((name, model) -> decorated.put(name, decorate.apply(name, model)));
        return new ModelRegistry(decorated, defaultModel);
    }

    public ChatModel model(String name) {
        ChatModel model = models.get(name);
        if (model == null) {
            throw new NonRetriableException("unknown model '" + name + "'; this worker has " + models.keySet());
        }
        return model;
    }
}
