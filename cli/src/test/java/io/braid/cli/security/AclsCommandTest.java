package io.braid.cli.security;

import io.braid.cli.security.SecuredFleet.Outcome;
import org.junit.jupiter.api.Test;

import static io.braid.cli.security.SecuredFleet.braid;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code braid acls ROLE} prints a role's ACLs as kafka-acls.sh commands, one binding a line, nothing wider. */
class AclsCommandTest {

    private static Outcome acls(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "acls";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(new String[] {"--bootstrap-servers", "kafka:9093", "--kafka-properties",
                "/etc/braid/admin.properties"}, 0, all, args.length + 1, 4);
        return braid(all);
    }

    @Test
    void a_worker_gets_its_share_group_and_the_topics_it_reads_and_writes() {
        Outcome worker = acls("worker", "--principal", "User:braid-worker");

        assertThat(worker.exitCode()).as(worker.err()).isZero();
        String add = "kafka-acls.sh --bootstrap-server kafka:9093 --command-config /etc/braid/admin.properties "
                + "--add --allow-principal User:braid-worker --operation ";
        assertThat(worker.out().lines()).contains(add + "Read --topic braid.tasks",
                add + "Read --group braid-workers", add + "AlterConfigs --group braid-workers",
                add + "Write --topic braid.results", add + "Write --topic braid.tasks.dlq",
                add + "Read --topic braid.control")
                .noneMatch(line -> line.contains("--topic braid.jobs ") || line.endsWith("--topic braid.jobs")
                        || line.contains("--cluster") || line.contains("prefixed") || line.contains("All"));
    }

    @Test
    void the_orchestrator_gets_the_prefix_its_groups_and_transactional_ids() {
        Outcome orchestrator = acls("orchestrator", "--principal", "User:braid-orchestrator", "--topic-prefix",
                "team-a.");

        assertThat(orchestrator.exitCode()).as(orchestrator.err()).isZero();
        assertThat(orchestrator.out()).contains("--operation All --topic team-a. --resource-pattern-type prefixed",
                "--operation All --topic braid-aggregator- --resource-pattern-type prefixed",
                "--operation Read --group braid-dispatcher", "--operation Describe --group braid-workers",
                "--operation Write --transactional-id braid-dispatcher- --resource-pattern-type prefixed");
    }

    @Test
    void a_submitter_only_writes_jobs_and_reads_answers() {
        Outcome submitter = acls("submitter", "--principal", "User:app");

        assertThat(submitter.out().lines().map(line -> line.substring(line.indexOf("--operation"))))
                .containsExactlyInAnyOrder("--operation Write --topic braid.jobs",
                        "--operation Describe --topic braid.jobs", "--operation Read --topic braid.job-results",
                        "--operation Describe --topic braid.job-results", "--operation Read --topic braid.job-events",
                        "--operation Describe --topic braid.job-events");
    }

    @Test
    void an_unknown_role_or_a_principal_without_its_type_is_refused_with_the_fix() {
        Outcome role = acls("admin", "--principal", "User:x");
        assertThat(role.exitCode()).isEqualTo(2);
        assertThat(role.err()).contains("unknown role 'admin'; the roles are submitter, worker, orchestrator, "
                + "operator, registry");

        Outcome principal = acls("worker", "--principal", "braid-worker");
        assertThat(principal.exitCode()).isEqualTo(2);
        assertThat(principal.err()).contains("needs its type, e.g. User:braid-worker");
    }
}
