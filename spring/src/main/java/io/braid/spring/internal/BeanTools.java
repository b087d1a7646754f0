package io.braid.spring.internal;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecifications;
import io.braid.spring.BraidTools;
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
import java.util.Set;
import java.util.TreeSet;

/**
 * The tools of a Spring context: every bean of type {@link BraidTool}, and the langchain4j {@code @Tool} methods of
 * singleton beans that opted in (each a {@link MethodTool}): all of a bean annotated {@link BraidTools} (on its
 * class or its {@code @Bean} method), and those named in {@code braid.worker.bean-tools}. Bean types are read
 * without creating beans; only beans that expose tools are fetched.
 *
 * @param tools  the worker's tools from beans, in a stable order (by bean name, then method name)
 * @param hidden the {@code @Tool} methods left out, as "tool (bean name)"
 */
public record BeanTools(List<BraidTool> tools, List<String> hidden) {

    /**
     * The tools of {@code beans}.
     *
     * @param allowed tool names exposed whatever their bean ({@code braid.worker.bean-tools})
     * @throws IllegalArgumentException when {@code allowed} names a tool no {@code @Tool} method has
     */
    public static BeanTools of(ListableBeanFactory beans, Set<String> allowed) {
        List<BraidTool> tools = new ArrayList<>(beans.getBeansOfType(BraidTool.class, false, true).values());
        List<String> hidden = new ArrayList<>();
        Set<String> unmatched = new TreeSet<>(allowed);
        Set<String> all = new TreeSet<>();
        for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
            Class<?> type = beans.getType(name, false);
            if (type == null || BraidTool.class.isAssignableFrom(type)) {
                continue;
            }
            Map<Method, Tool> methods = MethodIntrospector.selectMethods(ClassUtils.getUserClass(type),
                    (MethodIntrospector.MetadataLookup<Tool>) m -> AnnotationUtils.findAnnotation(m, Tool.class));
            if (methods.isEmpty()) {
                continue;
            }
            boolean optedIn = beans.findAnnotationOnBean(name, BraidTools.class, false) != null;
            List<Method> exposed = new ArrayList<>();
            for (Method method : methods.keySet().stream().sorted(Comparator.comparing(Method::getName)).toList()) {
                String tool = ToolSpecifications.toolSpecificationFrom(method).name();
                all.add(tool);
                unmatched.remove(tool);
                if (optedIn || allowed.contains(tool)) {
                    exposed.add(method);
                } else {
                    hidden.add(tool + " (bean " + name + ")");
                }
            }
            if (!exposed.isEmpty()) {
                Object bean = beans.getBean(name);
                exposed.forEach(method -> tools.add(new MethodTool(bean, method,
                        AopUtils.selectInvocableMethod(method, bean.getClass()))));
            }
        }
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException("braid.worker.bean-tools names " + unmatched + ", which no @Tool "
                    + "method of a singleton bean has; the @Tool methods of this application's beans: " + all);
        }
        return new BeanTools(List.copyOf(tools), List.copyOf(hidden));
    }
}
