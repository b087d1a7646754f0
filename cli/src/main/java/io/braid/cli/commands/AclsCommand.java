package io.braid.cli.commands;


import io.braid.cli.acls.RoleAcls;
import io.braid.registry.RegistryOptions;
import io.braid.worker.WorkerOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code braid acls ROLE --principal User:NAME}: the Kafka ACLs of a role, printed or created. */
@Command(name = "acls", mixinStandardHelpOptions = true,
        description = {"The Kafka ACLs a principal needs to play one of Braid's roles on a cluster that enforces "
                + "ACLs: submitter, worker, orchestrator, operator or registry (see deploy/acls/).",
                "Prints them as kafka-acls.sh commands; --apply creates them, as the administrator whose client "
                        + "properties --kafka-properties gives."})
public final class AclsCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(paramLabel = "ROLE", description = "submitter, worker, orchestrator, operator or registry")
    String role;

    @Option(names = "--principal", required = true, paramLabel = "TYPE:NAME",
            description = "Who plays the role, as the broker names it, e.g. User:braid-worker")
    String principal;

    @Option(names = "--apply", description = "Create the ACLs (with the Admin API) instead of printing them")
    boolean apply;

    @Option(names = "--worker-group", paramLabel = "GROUP",
            description = "The workers' share group (default: ${DEFAULT-VALUE})")
    String workerGroup;

    @Option(names = "--registry-topic", paramLabel = "TOPIC", defaultValue = RegistryOptions.DEFAULT_STORE_TOPIC,
            description = "The embedded registry's store topic (default: ${DEFAULT-VALUE})")
    String registryTopic;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        RoleAcls acls = new RoleAcls(kafka.topics(), workerGroup, registryTopic);
        List<AclBinding> bindings = acls.bindings(RoleAcls.Role.named(role), principal);
        if (!apply) {
            String commandConfig = kafka.kafkaProperties == null ? "ADMIN.properties"
                    : kafka.kafkaProperties.toString();
            RoleAcls.kafkaAclsCommands(bindings, kafka.bootstrapServers(), commandConfig).forEach(System.out::println);
            return 0;
        }
        try (Admin admin = Admin.create(kafka.connection().config(java.util.Map.of()))) {
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the ACLs of " + principal + " (" + role + "): "
                    + kafka.connection().describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " did not answer within 30 s; "
                    + kafka.connection().unreachableAdvice(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        }
        System.out.printf("Created %d ACLs for %s as %s.%n", bindings.size(), principal, role);
        return 0;
    }
}
