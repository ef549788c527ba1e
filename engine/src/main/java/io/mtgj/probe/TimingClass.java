package io.mtgj.probe;

/**
 * Coarse timing a prober can rely on across networks: exact milliseconds vary with the path and the load, the
 * classes separate "at once" (a round trip or two) from "after a timer fired" (a handshake or idle timeout).
 */
public enum TimingClass
{
    /** Under 250 ms: at once, a round trip or two on most paths. */
    UNDER_250_MS("<250ms"),
    /** Under a second. */
    UNDER_1_S("<1s"),
    /** Under five seconds: a short timer. */
    UNDER_5_S("<5s"),
    /** Five seconds or more: a long timer, e.g. a handshake timeout. */
    OVER_5_S(">5s");

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
        return ms < 250 ? UNDER_250_MS : ms < 1_000 ? UNDER_1_S : ms < 5_000 ? UNDER_5_S : OVER_5_S;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
