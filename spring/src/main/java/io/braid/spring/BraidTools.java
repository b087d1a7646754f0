package io.braid.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exposes a bean's langchain4j {@link dev.langchain4j.agent.tool.Tool @Tool} methods as tools of the worker
 * {@link EnableBraidWorker} runs: put it on the bean's class, or on the {@code @Bean} method that creates it.
 *
 * <p>Bean tools are opt-in: anyone who can write to the jobs topic can call a worker's tools, so a {@code @Tool}
 * method written for an application's own AI services (a {@code refund(orderId)}, say) must not become callable by
 * accident. A {@code @Tool} method is a worker tool only when its bean carries this annotation or its tool name is
 * listed in {@code braid.worker.bean-tools}; {@link io.braid.tool.BraidTool} beans are tools as they are. The worker
 * logs the bean tools it exposes, and those it leaves out, when it starts.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BraidTools {
}
