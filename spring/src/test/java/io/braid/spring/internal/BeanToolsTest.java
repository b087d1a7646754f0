package io.braid.spring.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.braid.tool.BraidTool;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BeanToolsTest {

    public static class Greeter {
        @Tool(name = "greet", value = "Greets someone")
        public String greet(@P("who") String who) {
            return "hello " + who;
        }

        public String notATool() {
            return "no";
        }
    }

    static final class Echo implements BraidTool {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("echo").build();
        }

        @Override
        public String execute(JsonNode arguments) {
            return arguments.toString();
        }
    }

    @Test
    void tool_beans_and_tool_methods_are_found_and_a_proxied_beans_advice_applies() throws Exception {
        AtomicInteger advised = new AtomicInteger();
        ProxyFactory proxy = new ProxyFactory(new Greeter());
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) call -> {
            advised.incrementAndGet();
            return call.proceed();
        });
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("greeter", proxy.getProxy());
        beans.registerSingleton("echo", new Echo());
        beans.registerSingleton("plain", "just a string bean");

        List<BraidTool> tools = BeanTools.of(beans);

        assertThat(tools).extracting(BraidTool::name).containsExactlyInAnyOrder("echo", "greet");
        BraidTool greet = tools.stream().filter(t -> t.name().equals("greet")).findFirst().orElseThrow();
        assertThat(greet.specification().description()).isEqualTo("Greets someone");
        assertThat(greet.execute(new ObjectMapper().valueToTree(Map.of("who", "Ada")))).isEqualTo("hello Ada");
        assertThat(advised).hasValue(1);
    }
}
