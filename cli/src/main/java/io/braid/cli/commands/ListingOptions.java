package io.braid.cli.commands;

import io.braid.cli.view.Listing;
import picocli.CommandLine.Option;

/** How many branches a command lists one by one before it summarises the job instead. */
public final class ListingOptions {

    @Option(names = "--all", description = "List every branch, however wide the job")
    boolean all;

    @Option(names = "--list-up-to", paramLabel = "N", defaultValue = "" + Listing.DEFAULT_LIMIT,
            description = "List the branches of a job of up to N branches one by one; a wider job is summarised: "
                    + "counts by status, the slowest and failed branches, a histogram timeline "
                    + "(default: ${DEFAULT-VALUE})")
    int limit = Listing.DEFAULT_LIMIT;

    public Listing listing() {
        return new Listing(limit, all);
    }
}
