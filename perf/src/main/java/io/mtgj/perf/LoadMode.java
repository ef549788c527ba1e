package io.mtgj.perf;

import java.util.Locale;

/**
 * What each load connection does.
 */
public enum LoadMode
{
    /** Send a packet, wait for its echo, repeat: latency and request rate. */
    ECHO,
    /** Ask the DC to stream bulk data: throughput towards the client. */
    DOWNLOAD,
    /** Stream packets the DC swallows: throughput towards Telegram. */
    UPLOAD,
    /** Connect, one tiny round trip, close, repeat: handshakes per second. */
    HANDSHAKE_ONLY;

    /**
     * @param name {@code echo}, {@code download}, {@code upload} or {@code handshake-only}.
     * @return the mode.
     */
    public static LoadMode fromName(final String name)
    {
        for (final LoadMode mode : values())
        {
            if (mode.cliName().equals(name))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + name + "' (echo, download, upload, handshake-only)");
    }

    /**
     * @return the command-line name.
     */
    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
