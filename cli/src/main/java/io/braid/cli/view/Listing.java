package io.braid.cli.view;

/**
 * How a view shows a job's branches: one line each for a job of up to {@code limit} branches; a wider job is
 * summarised (counts by status, the slowest and failed branches, a histogram timeline) unless {@code all} asks for
 * every branch.
 *
 * @param limit the widest job listed branch by branch ({@value #DEFAULT_LIMIT} by default)
 * @param all   list every branch whatever the job's width
 */
public record Listing(int limit, boolean all) {

    /** Jobs of more branches than this are summarised by default: 50 lines still fit a screen or two. */
    public static final int DEFAULT_LIMIT = 50;

    public Listing {
        if (limit < 0) {
            throw new IllegalArgumentException("--list-up-to " + limit + " cannot be negative; use 0 to summarise "
                    + "every job, or --all to list every branch");
        }
    }

    public static Listing defaults() {
        return new Listing(DEFAULT_LIMIT, false);
    }

    /** Whether a job of {@code branches} branches is summarised rather than listed. */
    public boolean summarises(int branches) {
        return !all && branches > limit;
    }
}
