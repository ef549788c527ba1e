package io.mtgj.stats;

/**
 * Every metric and label name, in one place. Prometheus names are snake_case in base units and get the namespace
 * ({@code --stats-namespace}, default {@code mtg}) and an underscore in front; statsd names are gauges named in mtg
 * v1's style and get the prefix ({@code --statsd-prefix}) and a dot in front. Label values are bounded: secret modes,
 * {@link DcLabel}, {@link IpFamily}, {@link Direction}, the engine's reason enums, in promoted-channel mode
 * Telegram's middle proxies (a short published list) and, with named users ({@code --secrets}), the configured names.
 * Never a client's address.
 */
public final class MetricNames
{
    /** Label: the instance's secret mode ({@code simple}, {@code secured}, {@code tls}); on every metric. */
    public static final String LABEL_MODE = "mode";
    /** Label: a client's IP family, {@link IpFamily}. */
    public static final String LABEL_IP_FAMILY = "ip_family";
    /** Label: the DC a client asked for, {@link DcLabel}. */
    public static final String LABEL_DC = "dc";
    /** Label: {@link Direction}. */
    public static final String LABEL_DIRECTION = "direction";
    /** Label: why, from one of the engine's reason enums, in lower case. */
    public static final String LABEL_REASON = "reason";
    /** Label: a Telegram middle proxy, {@code ip:port} as published (promoted-channel mode only). */
    public static final String LABEL_MIDDLE_PROXY = "middle_proxy";
    /** Label: a SOCKS5 server of {@code --socks5}, {@code host:port} as configured. */
    public static final String LABEL_SOCKS5_SERVER = "socks5_server";
    /** Label: a configured user's name (named users, {@code --secrets}, only). */
    public static final String LABEL_USER = "user";
    /** Label: {@code accepted} or {@code rejected}, the verdict on a FakeTLS client's clock. */
    public static final String LABEL_RESULT = "result";

    /** Gauge {mode, ip_family}: client connections open now. */
    public static final String CLIENT_CONNECTIONS = "client_connections";
    /**
     * Gauge {mode, dc}: connections to Telegram open now; in promoted-channel mode {mode, dc, middle_proxy}, the
     * pooled middle-proxy connections.
     */
    public static final String TELEGRAM_CONNECTIONS = "telegram_connections";
    /** Counter {mode, dc, middle_proxy}: middle-proxy connections that broke or could not be set up. */
    public static final String MIDDLE_PROXY_FAILURES = "middle_proxy_failures_total";
    /** Gauge {mode, socks5_server}: 1 while a SOCKS5 server is usable (resolved, not failing on its side), else 0. */
    public static final String SOCKS5_SERVER_UP = "socks5_server_up";
    /** Counter {mode, socks5_server}: connections to Telegram set up through a SOCKS5 server. */
    public static final String SOCKS5_TUNNELS = "socks5_tunnels_total";
    /** Counter {mode, socks5_server, reason}: dials through a SOCKS5 server that failed, by why. */
    public static final String SOCKS5_FAILURES = "socks5_failures_total";
    /** Counter {mode}: client connections accepted. */
    public static final String ACCEPTED_CONNECTIONS = "accepted_connections_total";
    /** Counter {mode}: client handshakes that proved the client knows the secret. */
    public static final String CLIENT_HANDSHAKES = "client_handshakes_total";
    /** Counter {mode, reason}: client connections closed, by why. */
    public static final String CLOSED_CONNECTIONS = "closed_connections_total";
    /** Counter {mode}: connections closed by an unexpected exception in a handler. */
    public static final String CRASHES = "crashes_total";
    /** Counter {mode, direction}: bytes read from (ingress) and written to (egress) client sockets. */
    public static final String TRAFFIC_BYTES = "traffic_bytes_total";
    /** Counter {mode, dc, direction}: bytes read from (ingress) and written to (egress) Telegram sockets. */
    public static final String TELEGRAM_TRAFFIC_BYTES = "telegram_traffic_bytes_total";
    /** Counter {mode, direction}: bytes read from (ingress) and written to (egress) the cloak host. */
    public static final String CLOAK_TRAFFIC_BYTES = "cloak_traffic_bytes_total";
    /** Counter {mode}: handshakes seen before, refused. */
    public static final String REPLAY_ATTACKS = "replay_attacks_total";
    /** Counter {mode}: connections fronted to the cloak host. */
    public static final String CLOAKED_CONNECTIONS = "cloaked_connections_total";
    /** Counter {mode, reason}: client handshakes refused, by why (replays included). */
    public static final String HANDSHAKE_FAILURES = "handshake_failures_total";
    /** Counter {mode, reason}: connections refused by a limit before their handshake. */
    public static final String REJECTED_CONNECTIONS = "rejected_connections_total";
    /** Gauge {mode}: relay buffers leased from the pools now. */
    public static final String BUFFERS_IN_USE = "buffers_in_use";
    /** Gauge {mode}: size of the shared off-heap buffer arena ({@code --buffer-memory}), bytes. */
    public static final String BUFFER_MEMORY_BYTES = "buffer_memory_bytes";
    /** Gauge {mode}: bytes of the buffer arena leased to connections now. */
    public static final String BUFFER_LEASED_BYTES = "buffer_leased_bytes";
    /**
     * Gauge {mode}: connections, middle-proxy connections included, waiting for a buffer now (their reads paused until
     * one is free).
     */
    public static final String BUFFER_WAITING_CONNECTIONS = "buffer_waiting_connections";
    /** Counter {mode}: times a connection had to wait for a buffer. */
    public static final String BUFFER_WAITS = "buffer_waits_total";
    /** Counter {mode}: relays closed because their peer accepted no byte for {@code --stall-timeout}. */
    public static final String STALLED_CONNECTIONS = "stalled_connections_total";
    /**
     * Counter {mode}: clients that completed their handshake and then moved no byte either way within a few seconds,
     * the signature of a network that drops a flow silently once it has seen its handshake.
     */
    public static final String SILENT_AFTER_HANDSHAKE = "silent_after_handshake_total";
    /**
     * Gauge {mode}, once the clock check (tls mode with NTP servers) has measured it: the local clock minus NTP's at
     * the last measurement, seconds; positive when the local clock is ahead.
     */
    public static final String CLOCK_OFFSET_SECONDS = "clock_offset_seconds";
    /** Counter {mode}, while the clock check runs: SNTP queries that got no usable answer. */
    public static final String CLOCK_CHECK_FAILURES = "clock_check_failures_total";
    /** Gauge {mode, user}: a named user's client connections open now. */
    public static final String USER_CONNECTIONS = "user_connections";
    /** Counter {mode, user, direction}: bytes read from (ingress) and written to (egress) a named user's clients. */
    public static final String USER_TRAFFIC_BYTES = "user_traffic_bytes_total";
    /**
     * Counter {mode, user, reason}: handshake failures and refusals after a client proved which user it is; a client
     * that proves no secret has no user to count it under.
     */
    public static final String USER_HANDSHAKE_FAILURES = "user_handshake_failures_total";
    /** Histogram {mode}: from accepting a client to accepting its handshake. */
    public static final String CLIENT_HANDSHAKE_SECONDS = "client_handshake_seconds";
    /** Histogram {mode}: from starting to dial Telegram to being connected, every address tried included. */
    public static final String TELEGRAM_DIAL_SECONDS = "telegram_dial_seconds";
    /** Histogram {mode}: from being connected to Telegram to the first byte read from it. */
    public static final String TELEGRAM_FIRST_BYTE_SECONDS = "telegram_first_byte_seconds";
    /** Histogram {mode}: from accepting a client's handshake to the first byte from Telegram, the dial included. */
    public static final String HANDSHAKE_TO_FIRST_BYTE_SECONDS = "handshake_to_telegram_first_byte_seconds";
    /**
     * Histogram {mode, result}: a FakeTLS client's clock minus ours, seconds, signed (negative: behind), from the
     * timestamp of each hello proven ours: {@code accepted} when answered, {@code rejected} when refused for its time.
     * Buckets on both sides of 0 and no {@code _sum}, which negative values would make useless as a counter.
     */
    public static final String CLIENT_CLOCK_SKEW_SECONDS = "client_clock_skew_seconds";

    /** statsd gauge: client connections open now (mtg v1). */
    public static final String STATSD_CONNECTIONS = "connections";
    /** statsd gauge: connections to Telegram open now (mtg v1). */
    public static final String STATSD_TELEGRAM_CONNECTIONS = "telegram_connections";
    /** statsd gauge: crashes since start (mtg v1). */
    public static final String STATSD_CRASHES = "crashes";
    /** statsd gauge: bytes read from clients since start (mtg v1). */
    public static final String STATSD_TRAFFIC_INGRESS = "traffic.ingress";
    /** statsd gauge: bytes written to clients since start (mtg v1). */
    public static final String STATSD_TRAFFIC_EGRESS = "traffic.egress";
    /** statsd gauge: replayed handshakes since start (mtg v1). */
    public static final String STATSD_REPLAY_ATTACKS = "replay_attacks";
    /** statsd gauge: size of the buffer arena, bytes. */
    public static final String STATSD_BUFFER_MEMORY = "buffer_memory";
    /** statsd gauge: bytes of the buffer arena leased now. */
    public static final String STATSD_BUFFER_LEASED = "buffer_leased";
    /** statsd gauge: connections waiting for a buffer now. */
    public static final String STATSD_BUFFER_WAITING = "buffer_waiting";
    /** statsd gauge: times a connection had to wait for a buffer since start. */
    public static final String STATSD_BUFFER_WAITS = "buffer_waits";
    /** statsd gauge: relays closed as stalled since start. */
    public static final String STATSD_STALLED_CONNECTIONS = "stalled_connections";
    /** statsd gauge, with an ad tag only: middle-proxy connections that broke or could not be set up since start. */
    public static final String STATSD_MIDDLE_PROXY_FAILURES = "middle_proxy_failures";
    /** statsd gauge, with {@code --socks5} only: dials through SOCKS5 servers that failed since start. */
    public static final String STATSD_SOCKS5_FAILURES = "socks5_failures";
    /** statsd gauge, with {@code --socks5} only: connections set up through SOCKS5 servers since start. */
    public static final String STATSD_SOCKS5_TUNNELS = "socks5_tunnels";
    /**
     * statsd gauge, once the clock check has measured it: the local clock minus NTP's, seconds, with a fraction; a
     * negative value is sent after a zero (see {@link StatsdReporter}).
     */
    public static final String STATSD_CLOCK_OFFSET_SECONDS = "clock_offset_seconds";
    /** statsd gauge, while the clock check runs: SNTP queries that got no usable answer since start. */
    public static final String STATSD_CLOCK_CHECK_FAILURES = "clock_check_failures";
    /** statsd gauge, per named user: client connections open now. */
    public static final String STATSD_USER_CONNECTIONS = "user_connections";
    /** statsd gauge, per named user: bytes read from its clients since start. */
    public static final String STATSD_USER_TRAFFIC_INGRESS = "user_traffic.ingress";
    /** statsd gauge, per named user: bytes written to its clients since start. */
    public static final String STATSD_USER_TRAFFIC_EGRESS = "user_traffic.egress";
    /** statsd gauge, per named user and reason: handshake failures and refusals since start. */
    public static final String STATSD_USER_HANDSHAKE_FAILURES = "user_handshake_failures";

    private MetricNames()
    {
    }

    /**
     * @param namespace a namespace, possibly empty.
     * @param name      a metric name from this class.
     * @return the exported name.
     */
    public static String prometheusName(final String namespace, final String name)
    {
        return namespace.isEmpty() ? name : namespace + "_" + name;
    }

    /**
     * @param prefix a prefix, possibly empty.
     * @param name   a statsd name from this class.
     * @return the name sent.
     */
    public static String statsdName(final String prefix, final String name)
    {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
