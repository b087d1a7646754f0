package io.braid.spring.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.tool.BraidTool;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * One langchain4j {@code @Tool} method of an object (a Spring bean) as a {@link BraidTool}: the specification is
 * langchain4j's ({@link ToolSpecifications#toolSpecificationFrom(Method)}: name, description, the parameters'
 * JSON schema), the arguments are converted to the parameters' types with Jackson, and the method's return value
 * is the tool's output (a String as it is, anything else as JSON, {@code void} as "done").
 *
 * <p>An exception the method throws is passed on unwrapped, so the worker's retry rules see it as they see any
 * tool's: a langchain4j {@code RetriableException} or an I/O error is retried, anything else is not.
 */
final class MethodTool implements BraidTool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Object target;
    private final Method method;
    private final ToolSpecification specification;
    private final List<String> parameterNames;
    private final List<JavaType> parameterTypes;
    private final List<String> defaults;

    /** A tool of {@code method}, called on {@code target}. */
    MethodTool(Object target, Method method) {
        this(target, method, method);
    }

    /**
     * A tool described by {@code declared} (the {@code @Tool} method as written) and run by calling {@code invocable}
     * on {@code target} (the same method on a proxy of the bean, so its advice — transactions, security — applies).
     */
    MethodTool(Object target, Method declared, Method invocable) {
        Method method = declared;
        for (Parameter parameter : method.getParameters()) {
            if (parameter.isAnnotationPresent(ToolMemoryId.class)) {
                throw new IllegalArgumentException("tool method " + describe(method) + " has a @ToolMemoryId "
                        + "parameter; Braid's tools have no chat memory: remove it");
            }
        }
        this.target = target;
        this.method = invocable;
        this.specification = ToolSpecifications.toolSpecificationFrom(declared);
        this.parameterNames = new ArrayList<>();
        this.parameterTypes = new ArrayList<>();
        this.defaults = new ArrayList<>();
        for (Parameter parameter : method.getParameters()) {
            P p = parameter.getAnnotation(P.class);
            parameterNames.add(p != null && !p.name().isEmpty() ? p.name() : parameter.getName());
            parameterTypes.add(JSON.getTypeFactory().constructType(parameter.getParameterizedType()));
            defaults.add(p != null && !P.NO_DEFAULT.equals(p.defaultValue()) ? p.defaultValue() : null);
        }
        invocable.setAccessible(true);
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public String execute(JsonNode arguments) throws Exception {
        Object[] values = new Object[parameterNames.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = argument(arguments, i);
        }
        Object output;
        try {
            output = method.invoke(target, values);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (method.getReturnType() == void.class) {
            return "done";
        }
        return output instanceof String text ? text : JSON.writeValueAsString(output);
    }

    private Object argument(JsonNode arguments, int index) {
        String name = parameterNames.get(index);
        JsonNode value = arguments.get(name);
        try {
            if ((value == null || value.isNull()) && defaults.get(index) != null) {
                return JSON.convertValue(defaults.get(index), parameterTypes.get(index));
            }
            return value == null ? null : JSON.convertValue(value, parameterTypes.get(index));
        } catch (IllegalArgumentException e) {
            throw new ToolArgumentsException("tool '" + specification.name() + "': argument '" + name
                    + "' cannot be read as " + parameterTypes.get(index).getGenericSignature() + ": "
                    + e.getMessage());
        }
    }

    static String describe(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }
}
