package io.braid.spring;

import org.springframework.context.annotation.Import;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Braid worker inside this Spring application ({@link BraidWorkerLifecycle}): it joins the workers' share
 * group on the tasks topic and runs branches like any worker. Its tools are the built-in ones, those of plugins on
 * the class path, every bean of type {@link io.braid.tool.BraidTool}, and every langchain4j
 * {@link dev.langchain4j.agent.tool.Tool @Tool} method of any singleton bean — all under the worker's use policy
 * ({@code braid.worker.config-file}) and limits. Settings: {@code braid.worker.*}; health: the
 * {@code braidWorker} health indicator; meters: {@code braid.worker.*}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(BraidWorkerConfiguration.class)
public @interface EnableBraidWorker {
}
