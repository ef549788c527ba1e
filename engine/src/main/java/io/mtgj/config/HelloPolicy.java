package io.mtgj.config;

import java.util.Objects;

/**
 * How FakeTLS ClientHellos are judged: the clock window of their timestamps ({@code --tolerate-time-skewness}) and
 * what becomes of hellos naming a host no secret uses ({@code --unknown-sni}).
 *
 * @param clockWindow how far a client's clock may be behind or ahead of ours.
 * @param unknownSni  what becomes of a hello whose SNI names no secret's host.
 */
public record HelloPolicy(ClockWindow clockWindow, UnknownSni unknownSni)
{
    /** The defaults: {@link ClockWindow#DEFAULT}, and unknown names fronted to the cloak host. */
    public static final HelloPolicy DEFAULT = new HelloPolicy(ClockWindow.DEFAULT, UnknownSni.CLOAK);

    /**
     * @throws NullPointerException when either part is missing.
     */
    public HelloPolicy
    {
        Objects.requireNonNull(clockWindow, "clockWindow");
        Objects.requireNonNull(unknownSni, "unknownSni");
    }
}
