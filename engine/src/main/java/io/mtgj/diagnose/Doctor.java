package io.mtgj.diagnose;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs checks at once, each on its own daemon thread, and collects their findings in the order the checks were
 * given. The run is bounded: a check still running when the budget is spent gives a FAIL saying so, and its thread
 * is left to end by its own timeouts (daemon, so it never keeps the JVM alive).
 */
public final class Doctor
{
    private Doctor()
    {
    }

    /**
     * @param checks   the checks, in report order.
     * @param budgetMs the most the whole run may take, in milliseconds.
     * @return every finding, check by check.
     */
    public static List<Finding> run(final List<? extends Check> checks, final long budgetMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        final List<CompletableFuture<List<Finding>>> running = new ArrayList<>(checks.size());
        for (final Check check : checks)
        {
            final CompletableFuture<List<Finding>> result = new CompletableFuture<>();
            final Thread thread = new Thread(() -> complete(check, result), "mtg-doctor-" + check.name());
            thread.setDaemon(true);
            thread.start();
            running.add(result);
        }
        final List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++)
        {
            final Check check = checks.get(i);
            try
            {
                final long leftNs = Math.max(0, deadlineNs - System.nanoTime());
                findings.addAll(running.get(i).get(leftNs, TimeUnit.NANOSECONDS));
            }
            catch (final TimeoutException ex)
            {
                findings.add(Finding.fail(check.name(), "no answer within " + budgetMs + " ms (a DNS lookup or a " +
                    "connection hung)", "check this server's DNS and network, then run doctor again"));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                findings.add(Finding.fail(check.name(), "interrupted", "run doctor again"));
            }
            catch (final ExecutionException ex)
            {
                findings.add(Finding.fail(check.name(), "the check itself failed: " + ex.getCause(),
                    "report this as a bug"));
            }
        }
        return findings;
    }

    private static void complete(final Check check, final CompletableFuture<List<Finding>> result)
    {
        try
        {
            final List<Finding> findings = check.run();
            result.complete(findings.isEmpty() ?
                List.of(Finding.fail(check.name(), "the check found nothing", "report this as a bug")) : findings);
        }
        catch (final Exception | LinkageError ex)
        {
            result.completeExceptionally(ex);
        }
    }

    /**
     * @param findings a report.
     * @return whether any finding is a {@link Verdict#FAIL}.
     */
    public static boolean hasFailure(final List<Finding> findings)
    {
        for (final Finding finding : findings)
        {
            if (Verdict.FAIL == finding.verdict())
            {
                return true;
            }
        }
        return false;
    }
}
