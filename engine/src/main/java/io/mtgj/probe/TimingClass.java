package io.mtgj.probe;

/**
 * Coarse timing a prober can rely on across networks: exact milliseconds vary with the path, the classes do not.
 */
public enum TimingClass
{
    /** Under 50 ms: an answer without thought, or a loopback. */
    UNDER_50_MS("<50ms"),
    /** Under a second. */
    UNDER_1_S("<1s"),
    /** A second or more: a timeout of some kind fired. */
    OVER_1_S(">1s");

    private final String text;

    TimingClass(final String text)
    {
        this.text = text;
    }

    /**
     * @param ms elapsed milliseconds.
     * @return its class.
     */
    public static TimingClass of(final long ms)
    {
        return ms < 50 ? UNDER_50_MS : ms < 1_000 ? UNDER_1_S : OVER_1_S;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
