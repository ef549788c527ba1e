package io.mtgj.users;

/**
 * What one user has used: traffic counted in its current quota period and the connections it had open.
 *
 * @param periodStartMs start of the quota period the bytes were counted in, epoch milliseconds
 *                      ({@link QuotaPeriod#periodStartMs(long)}; 0 for a total).
 * @param bytes         bytes moved in that period, both directions together.
 * @param connections   connections open when this was taken.
 */
public record Usage(long periodStartMs, long bytes, int connections)
{
    /**
     * @param periodStartMs start of the quota period, epoch milliseconds.
     * @param bytes         bytes moved in that period, at least 0.
     * @param connections   open connections, at least 0.
     * @throws IllegalArgumentException when a count is negative.
     */
    public Usage
    {
        if (bytes < 0 || connections < 0)
        {
            throw new IllegalArgumentException("usage counts cannot be negative");
        }
    }
}
