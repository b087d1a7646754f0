package io.braid.spring.internal;

import dev.langchain4j.agent.tool.Tool;
import io.braid.tool.BraidTool;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The tools of a Spring context: every bean of type {@link BraidTool}, and every langchain4j {@code @Tool} method of
 * any other singleton bean (each a {@link MethodTool}). Bean types are read without creating beans; only beans that
 * have tools are fetched.
 */
public final class BeanTools {

    private BeanTools() {
    }

    /** The tools of {@code beans}, in a stable order (by bean name, then method name). */
    public static List<BraidTool> of(ListableBeanFactory beans) {
        List<BraidTool> tools = new ArrayList<>(beans.getBeansOfType(BraidTool.class, false, true).values());
        for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
            Class<?> type = beans.getType(name, false);
            if (type == null || BraidTool.class.isAssignableFrom(type)) {
                continue;
            }
            Class<?> userType = ClassUtils.getUserClass(type);
            Map<Method, Tool> methods = MethodIntrospector.selectMethods(userType,
                    (MethodIntrospector.MetadataLookup<Tool>) m -> AnnotationUtils.findAnnotation(m, Tool.class));
            if (methods.isEmpty()) {
                continue;
            }
            Object bean = beans.getBean(name);
            methods.keySet().stream().sorted(Comparator.comparing(Method::getName)).forEach(method ->
                    tools.add(new MethodTool(bean, method, AopUtils.selectInvocableMethod(method, bean.getClass()))));
        }
        return tools;
    }
}
