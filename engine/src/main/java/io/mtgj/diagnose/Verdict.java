package io.mtgj.diagnose;

/**
 * How one finding of {@code mtg doctor} turned out.
 */
public enum Verdict
{
    /** As it should be. */
    OK,
    /** Works, but weakens the proxy or is near a limit: the finding says what to do. */
    WARN,
    /** Clients will fail because of it: the finding says what to do; the command exits non-zero. */
    FAIL
}
