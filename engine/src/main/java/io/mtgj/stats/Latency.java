package io.mtgj.stats;

/**
 * The latencies recorded per reactor, each exported as one histogram.
 */
public enum Latency
{
    /** From accepting a client to accepting its handshake. */
    CLIENT_HANDSHAKE(MetricNames.CLIENT_HANDSHAKE_SECONDS,
        "Time from accepting a client connection to accepting its handshake."),
    /** From starting to dial Telegram to being connected, every address tried included. */
    TELEGRAM_DIAL(MetricNames.TELEGRAM_DIAL_SECONDS,
        "Time from starting to dial Telegram to being connected, every address tried included."),
    /** From being connected to Telegram to the first byte read from it. */
    TELEGRAM_FIRST_BYTE(MetricNames.TELEGRAM_FIRST_BYTE_SECONDS,
        "Time from being connected to Telegram to the first byte read from it."),
    /** From accepting a client's handshake to the first byte from Telegram: what the client waits for after it. */
    HANDSHAKE_TO_FIRST_BYTE(MetricNames.HANDSHAKE_TO_FIRST_BYTE_SECONDS,
        "Time from accepting a client's handshake to the first byte read from Telegram, the dial included.");

    private final String metricName;
    private final String help;

    Latency(final String metricName, final String help)
    {
        this.metricName = metricName;
        this.help = help;
    }

    /**
     * @return the metric name, without namespace.
     */
    public String metricName()
    {
        return metricName;
    }

    /**
     * @return the metric's help text.
     */
    public String help()
    {
        return help;
    }
}
