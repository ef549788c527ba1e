package io.mtgj.perf.middle;

import java.util.function.BooleanSupplier;

/**
 * Bounded polling for a condition that another thread makes true.
 */
final class Await
{
    private Await()
    {
    }

    static void until(final String what, final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            try
            {
                Thread.sleep(2);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
