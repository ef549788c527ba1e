package io.mtgj.stats;

/**
 * Where the numbers come from: the engine sums its reactors' single-writer counters into a snapshot, on the reading
 * thread. This package never reaches into the reactor itself.
 */
@FunctionalInterface
public interface StatsSource
{
    /**
     * Fill a snapshot with the current values; it is cleared first.
     *
     * @param into the snapshot to fill.
     */
    void snapshot(StatsSnapshot into);
}
