package io.mtgj.diagnose;

import java.util.List;

/**
 * One of {@code mtg doctor}'s checks. Blocking: every network step has its own timeout, and {@link Doctor} bounds
 * the whole run besides, so a check that hangs in a DNS lookup is reported, not waited for.
 */
public interface Check
{
    /**
     * @return what it checks, for the finding written when it does not finish in time.
     */
    String name();

    /**
     * @return its findings, at least one, in the order to print them.
     * @throws Exception anything unexpected: {@link Doctor} turns it into a FAIL naming it.
     */
    List<Finding> run() throws Exception;
}
