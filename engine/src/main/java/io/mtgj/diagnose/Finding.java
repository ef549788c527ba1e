package io.mtgj.diagnose;

import java.util.Objects;

/**
 * One line of {@code mtg doctor}'s report.
 *
 * @param check   what was checked, short: {@code clock}, {@code dc 2}, {@code cloak}.
 * @param verdict how it turned out.
 * @param found   what was found, e.g. {@code offset +12 ms against 0.pool.ntp.org:123}.
 * @param advice  what to do about it; empty when the verdict is {@link Verdict#OK}.
 */
public record Finding(String check, Verdict verdict, String found, String advice)
{
    /**
     * @throws NullPointerException when a field is null.
     */
    public Finding
    {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(found, "found");
        Objects.requireNonNull(advice, "advice");
    }

    /**
     * @param check what was checked.
     * @param found what was found.
     * @return an OK finding, no advice.
     */
    public static Finding ok(final String check, final String found)
    {
        return new Finding(check, Verdict.OK, found, "");
    }

    /**
     * @param check  what was checked.
     * @param found  what was found.
     * @param advice what to do.
     * @return a warning.
     */
    public static Finding warn(final String check, final String found, final String advice)
    {
        return new Finding(check, Verdict.WARN, found, advice);
    }

    /**
     * @param check  what was checked.
     * @param found  what was found.
     * @param advice what to do.
     * @return a failure.
     */
    public static Finding fail(final String check, final String found, final String advice)
    {
        return new Finding(check, Verdict.FAIL, found, advice);
    }
}
