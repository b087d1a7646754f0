package io.braid.spring.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.braid.spring.BraidTools;
import io.braid.tool.BraidTool;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** An application's own tools, for its AI services: not for jobs. */
    public static class Refunds {
        @Tool(name = "refund", value = "Refunds an order")
        public String refund(@P("order") String orderId) {
            return "refunded " + orderId;
        }

        @Tool("Looks an order up")
        public String lookup(@P("order") String orderId) {
            return "order " + orderId;
        }
    }

    @BraidTools
    public static class Weather {
        @Tool(name = "forecast", value = "Tomorrow's weather")
        public String forecast(@P("city") String city) {
            return city + ": sunny";
        }
    }

    @Configuration
    static class App {
        @Bean
        Refunds refunds() {
            return new Refunds();
        }

        @Bean
        Weather weather() {
            return new Weather();
        }

        /** Opted in by its {@code @Bean} method, not its class. */
        @Bean
        @BraidTools
        Pinger pinger() {
            return new Pinger();
        }
    }

    public static class Pinger {
        @Tool(name = "ping", value = "Answers pong")
        public String ping() {
            return "pong";
        }
    }

    @Test
    void only_tool_methods_of_opted_in_beans_and_of_the_allowlist_are_exposed() {
        try (AnnotationConfigApplicationContext app = new AnnotationConfigApplicationContext(App.class)) {
            BeanTools none = BeanTools.of(app, Set.of());
            BeanTools lookup = BeanTools.of(app, Set.of("lookup"));

            assertThat(none.tools()).extracting(BraidTool::name).containsExactlyInAnyOrder("forecast", "ping");
            assertThat(none.hidden()).containsExactlyInAnyOrder("lookup (bean refunds)", "refund (bean refunds)");
            assertThat(lookup.tools()).extracting(BraidTool::name)
                    .containsExactlyInAnyOrder("forecast", "ping", "lookup");
            assertThat(lookup.hidden()).containsExactly("refund (bean refunds)");
        }
    }

    @Test
    void an_allowlisted_name_no_tool_method_has_is_refused_naming_the_property() {
        try (AnnotationConfigApplicationContext app = new AnnotationConfigApplicationContext(App.class)) {
            assertThatThrownBy(() -> BeanTools.of(app, Set.of("refnud")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("braid.worker.bean-tools names [refnud], which no @Tool method")
                    .hasMessageContaining("[forecast, lookup, ping, refund]");
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

        List<BraidTool> tools = BeanTools.of(beans, Set.of("greet")).tools();

        assertThat(tools).extracting(BraidTool::name).containsExactlyInAnyOrder("echo", "greet");
        BraidTool greet = tools.stream().filter(t -> t.name().equals("greet")).findFirst().orElseThrow();
        assertThat(greet.specification().description()).isEqualTo("Greets someone");
        assertThat(greet.execute(new ObjectMapper().valueToTree(Map.of("who", "Ada")))).isEqualTo("hello Ada");
        assertThat(advised).hasValue(1);
    }
}
