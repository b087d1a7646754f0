package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidJsonException;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.Predicate;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;

/**
 * {@code json_extract}: evaluates a JSONPath expression over a JSON document and returns the match as JSON, e.g.
 * {@code {"document": "{\"a\": [{\"b\": 1}, {\"b\": 2}]}", "path": "$.a[*].b"}} → {@code [1,2]}. A definite path
 * that matches nothing fails the call, naming the path.
 *
 * <p>A filter's {@code =~} pattern runs in RE2J, in time linear in the text matched ({@link RegexFilters},
 * {@link SafePattern}); a pattern RE2J cannot run that way (backreferences, lookaround) is refused, naming it.
 */
final class JsonExtractTool implements BraidTool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(JSON))
            .mappingProvider(new JacksonMappingProvider(JSON))
            .build();

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name("json_extract")
                .description("Extracts values from a JSON document with a JSONPath expression such as $.items[*].name")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("document", "the JSON document, as text")
                        .addStringProperty("path", "a JSONPath expression, e.g. $.store.book[0].title")
                        .required("document", "path")
                        .build())
                .build();
    }

    @Override
    public String execute(JsonNode arguments) {
        String document = arguments.get("document").textValue();
        String path = arguments.get("path").textValue();
        JsonPath compiled;
        try {
            RegexFilters filters = RegexFilters.of(path);
            compiled = JsonPath.compile(filters.path(), filters.predicates().toArray(Predicate[]::new));
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new ToolArgumentsException("json_extract: '" + path + "' is not a JSONPath expression: "
                    + e.getMessage());
        }
        try {
            JsonNode match = JsonPath.using(JSON_PATH).parse(document).read(compiled);
            return match == null ? "null" : match.toString();
        } catch (InvalidJsonException e) {
            throw new ToolArgumentsException("json_extract: the document is not valid JSON: " + e.getMessage());
        } catch (PathNotFoundException e) {
            throw new NonRetriableException("json_extract: nothing in the document matches " + path + " ("
                    + e.getMessage() + ")");
        }
    }
}
