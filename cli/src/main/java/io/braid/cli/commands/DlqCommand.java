package io.braid.cli.commands;

import io.braid.client.DeadLetters;
import io.braid.client.DeadLetters.DeadLetter;
import io.braid.schema.json.AvroJson;
import io.braid.schema.registry.SchemaRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** {@code braid dlq list|show}: the branches that failed for good. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead-lettered branches (braid.tasks.dlq): what failed, why, and when. Replay them with "
                + "'braid replay'.")
public final class DlqCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists dead-lettered branches as a table.")
    int list(@Mixin KafkaOptions kafka,
             @Option(names = "--job", description = "Only this job") String jobId,
             @Option(names = "--since", defaultValue = "24h", converter = DurationConverter.class,
                     description = "How far back (default: ${DEFAULT-VALUE})") Duration since,
             @Option(names = "--error", description = "Only errors whose class or message contains this text")
             String error,
             @Option(names = "--json", description = "One JSON object per line instead of the table") boolean json) {
        List<DeadLetter> letters = read(kafka, since).stream()
                .filter(l -> jobId == null || jobId.equals(l.jobId()))
                .filter(l -> matches(l, error)).toList();
        if (json) {
            letters.forEach(l -> System.out.println(asJson(l)));
            return 0;
        }
        if (letters.isEmpty()) {
            System.out.println("No dead-lettered branches in the last " + since.toHours() + " h"
                    + (jobId == null ? "" : " for job " + jobId) + (error == null ? "" : " matching '" + error + "'"));
            return 0;
        }
        System.out.printf("%-28s %-16s %5s %-26s %8s  %-24s %s%n", "job", "branch", "round", "error", "attempts",
                "last failure", "message");
        for (DeadLetter l : letters) {
            System.out.printf("%-28s %-16s %5d %-26s %8d  %-24s %s%n", l.jobId(), l.branchId(), l.round(),
                    l.errorClass() + (l.retriable() ? "*" : ""), l.attempts(), l.lastFailure(), abbreviate(l.message()));
        }
        System.out.println("(* retriable)  'braid dlq show JOB_ID BRANCH_ID' shows one in full; 'braid replay --job "
                + "JOB_ID' runs a job's failed branches again.");
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one dead-lettered branch in full.")
    int show(@Mixin KafkaOptions kafka,
             @Parameters(index = "0", paramLabel = "JOB_ID") String jobId,
             @Parameters(index = "1", paramLabel = "BRANCH_ID") String branchId,
             @Option(names = "--since", defaultValue = "7d", converter = DurationConverter.class,
                     description = "How far back to look (default: ${DEFAULT-VALUE})") Duration since,
             @Option(names = "--json", description = "Print it as one JSON object") boolean json) {
        List<DeadLetter> letters = read(kafka, since).stream()
                .filter(l -> jobId.equals(l.jobId()) && branchId.equals(l.branchId())).toList();
        if (letters.isEmpty()) {
            throw new IllegalArgumentException("no dead letter for job " + jobId + " branch " + branchId + " in the "
                    + "last " + since.toDays() + " days; 'braid dlq list --job " + jobId + "' lists the job's");
        }
        DeadLetter l = letters.get(letters.size() - 1);
        if (json) {
            System.out.println(asJson(l).toPrettyString());
            return 0;
        }
        System.out.printf("job:            %s%nbranch:         %s (round %d)%nerror:          %s%nretriable:      %s%n"
                        + "message:        %s%nattempts:       %d%nfirst failure:  %s%nlast failure:   %s%n",
                l.jobId(), l.branchId(), l.round(), l.errorClass(), l.retriable(), l.message(), l.attempts(),
                l.firstFailure(), l.lastFailure());
        if (l.task() != null) {
            System.out.println("task:");
            System.out.println(AvroJson.toJson(l.task()).toPrettyString());
        }
        if (letters.size() > 1) {
            System.out.printf("(%d earlier dead letters of this branch, e.g. from earlier rounds)%n",
                    letters.size() - 1);
        }
        return 0;
    }

    /** A dead letter as JSON: its fields, times as ISO-8601, and the task it failed as {@code task}. */
    static com.fasterxml.jackson.databind.node.ObjectNode asJson(DeadLetter letter) {
        com.fasterxml.jackson.databind.node.ObjectNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("jobId", letter.jobId()).put("branchId", letter.branchId())
                .put("round", letter.round()).put("errorClass", letter.errorClass()).put("message", letter.message())
                .put("retriable", letter.retriable()).put("attempts", letter.attempts());
        json.put("firstFailure", letter.firstFailure() == null ? null : letter.firstFailure().toString());
        json.put("lastFailure", letter.lastFailure() == null ? null : letter.lastFailure().toString());
        json.set("task", letter.task() == null ? null : AvroJson.toJson(letter.task()));
        return json;
    }

    static List<DeadLetter> read(KafkaOptions kafka, Duration since) {
        return DeadLetters.since(kafka.connection(), new SchemaRegistryClient(kafka.registryUrl()),
                kafka.topics(), Instant.now().minus(since));
    }

    static boolean matches(DeadLetter letter, String error) {
        if (error == null) {
            return true;
        }
        String needle = error.toLowerCase(Locale.ROOT);
        return letter.errorClass().toLowerCase(Locale.ROOT).contains(needle)
                || letter.message().toLowerCase(Locale.ROOT).contains(needle);
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 60 ? flat : flat.substring(0, 57) + "...";
    }
}
