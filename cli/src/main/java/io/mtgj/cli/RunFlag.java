package io.mtgj.cli;

import io.mtgj.config.ByteSize;
import io.mtgj.config.ClientIpLogging;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.Capacity;
import io.mtgj.config.Durations;
import io.mtgj.config.PreferIp;
import io.mtgj.config.MiddleProxyUrls;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.StatsConfig;
import io.mtgj.config.StatsdTagsFormat;
import io.mtgj.config.UnknownSni;
import io.mtgj.publicip.PublicIpDetector;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * Every flag of {@code mtg run}, listed once with its environment variable, default and meaning: the parser, the
 * {@code --help} text and the README table are all made from this list, so they cannot drift apart.
 */
enum RunFlag
{
    SECRETS(null, "secrets", "FILE", "MTG_SECRETS", "none",
        "serve the named users of FILE instead of <secret>: one 'name secret [options]' a line; re-read when it "
        + "changes and on SIGHUP"),
    STATE_DIR(null, "state-dir", "DIR", "MTG_STATE_DIR", "none (kept in memory)",
        "where the anti-replay cache (and, with --secrets, users' traffic counts) is saved, so a restart neither "
        + "reopens replays nor resets quotas"),
    DEBUG("d", "debug", null, "MTG_DEBUG", "false",
        "log everything, down to each connection's steps (TRACE)"),
    VERBOSE("v", "verbose", null, "MTG_VERBOSE", "false",
        "log connection events too (DEBUG)"),
    LOG_CLIENT_IP(null, "log-client-ip", "HOW", "MTG_LOG_CLIENT_IP", ClientIpLogging.TRUNCATE.cliName(),
        "how logs show client addresses: full, truncate (IPv4 to its /24, IPv6 to its /48) or none"),
    BIND("b", "bind", "HOST:PORT", "MTG_BIND", ProxyConfig.DEFAULT_BIND,
        "address to listen on; IPv6 as [addr]:port"),
    PUBLIC_IPV4("4", "public-ipv4", "IP[:PORT]", "MTG_PUBLIC_IPV4", "detected",
        "public IPv4 address (and port) for the links; skips IPv4 detection"),
    PUBLIC_IPV6("6", "public-ipv6", "IP or [IP]:PORT", "MTG_PUBLIC_IPV6", "detected",
        "public IPv6 address (and port) for the links; skips IPv6 detection"),
    WRITE_BUFFER("w", "write-buffer", "SIZE", "MTG_WRITE_BUFFER", ByteSize.format(Capacity.DEFAULT_BUFFER_BYTES),
        "the most client to Telegram data one connection has in flight (one buffer, leased while it holds data)"),
    READ_BUFFER("r", "read-buffer", "SIZE", "MTG_READ_BUFFER", ByteSize.format(Capacity.DEFAULT_BUFFER_BYTES),
        "the most Telegram to client data one connection has in flight (one buffer, leased while it holds data)"),
    BUFFER_MEMORY(null, "buffer-memory", "SIZE", "MTG_BUFFER_MEMORY", "7/8 of the JVM's direct memory",
        "off-heap memory every relay buffer comes from, shared by all connections; when it is spent, reading slows "
        + "down until buffers come back, nobody is refused"),
    PREFER_IP(null, "prefer-ip", "FAMILY", "MTG_PREFER_IP", PreferIp.IPV6.cliName(),
        "IP family to reach Telegram with: ipv4, ipv6 (each falls back to the other), only-ipv4 or only-ipv6"),
    DC_ADDRESS(null, "dc-address", "DC=HOST:PORT", "MTG_DC_ADDRESS", "built-in table",
        "dial HOST:PORT for Telegram DC number DC; repeatable (the variable takes a comma-separated list)"),
    SOCKS5(null, "socks5", "URL", "MTG_SOCKS5", "none (Telegram is dialed directly)",
        "reach Telegram, DCs and middle proxies, through the SOCKS5 server socks5://[user:pass@]host:port; "
        + "repeatable, connections spread across them and a failing one is skipped for a while (the variable takes "
        + "a comma-separated list)"),
    WORKERS(null, "workers", "N", "MTG_WORKERS", "number of CPUs",
        "reactor threads"),
    MAX_CONNECTIONS_PER_IP(null, "max-connections-per-ip", "N", "MTG_MAX_CONNECTIONS_PER_IP", "0 (no limit)",
        "concurrent connections allowed from one client IP; more are reset at accept"),
    MAX_HANDSHAKES(null, "max-handshakes", "N", "MTG_MAX_HANDSHAKES",
        String.valueOf(ProxyConfig.DEFAULT_MAX_HANDSHAKES),
        "connections still handshaking at once; past it the oldest is dropped, so floods cannot crowd clients out"),
    ALLOW_CIDR(null, "allow-cidr", "CIDR", "MTG_ALLOW_CIDR", "everyone",
        "only these networks may connect; repeatable (the variable takes a comma-separated list)"),
    DENY_CIDR(null, "deny-cidr", "CIDR", "MTG_DENY_CIDR", "none",
        "these networks are reset at accept; repeatable (the variable takes a comma-separated list)"),
    CLOAK_DENIED(null, "cloak-denied", null, "MTG_CLOAK_DENIED", "false",
        "tls: front denied clients to the cloak host instead of resetting them"),
    BLOCKLIST(null, "blocklist", "FILE", "MTG_BLOCKLIST", "none",
        "file of denied networks, one a line, reloaded when it changes; repeatable"),
    PROXY_PROTOCOL(null, "proxy-protocol", null, "MTG_PROXY_PROTOCOL", "false",
        "every connection comes through a load balancer and opens with a PROXY protocol v1 or v2 header, whose "
        + "client address is the one checked, limited and logged; connections without a valid header are reset"),
    PROXY_PROTOCOL_FROM(null, "proxy-protocol-from", "CIDR", "MTG_PROXY_PROTOCOL_FROM", "any peer",
        "with --proxy-protocol: only these networks (the load balancers) may connect; repeatable (the variable takes "
        + "a comma-separated list)"),
    MAX_CONNECTIONS(null, "max-connections", "N", "MTG_MAX_CONNECTIONS", "what the open-file limit allows",
        "client connections open at once (two open files each in direct mode); more are closed as they are accepted "
        + "and counted as rejected"),
    PUBLIC_IP_URL(null, "public-ip-url", "URL", "MTG_PUBLIC_IP_URL", PublicIpDetector.DEFAULT_URL.toString(),
        "service asked for the public addresses when -4/-6 are not given"),
    HANDSHAKE_TIMEOUT(null, "handshake-timeout", "DURATION", "MTG_HANDSHAKE_TIMEOUT",
        Durations.format(ProxyConfig.DEFAULT_HANDSHAKE_TIMEOUT_MS),
        "time a client has to complete its handshake"),
    DIAL_TIMEOUT(null, "dial-timeout", "DURATION", "MTG_DIAL_TIMEOUT",
        Durations.format(ProxyConfig.DEFAULT_DIAL_TIMEOUT_MS),
        "time allowed to connect to one Telegram address (with --socks5, the SOCKS negotiation included)"),
    IDLE_TIMEOUT(null, "idle-timeout", "DURATION", "MTG_IDLE_TIMEOUT",
        Durations.format(ProxyConfig.DEFAULT_IDLE_TIMEOUT_MS),
        "a relay silent this long in both directions is closed"),
    STALL_TIMEOUT(null, "stall-timeout", "DURATION", "MTG_STALL_TIMEOUT",
        Durations.format(Capacity.DEFAULT_STALL_TIMEOUT_MS),
        "a relay whose peer accepts not one byte of what waits for it this long is closed, freeing its buffer"),
    REUSE_PORT(null, "reuse-port", null, "MTG_REUSE_PORT", "false",
        "bind with SO_REUSEPORT, so a new mtg started the same way can take over the port while this one drains "
        + "(see Upgrades without dropping anyone); a socket inherited from systemd needs no flag"),
    SHUTDOWN_TIMEOUT(null, "shutdown-timeout", "DURATION", "MTG_SHUTDOWN_TIMEOUT",
        Durations.format(ProxyConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS),
        "on SIGTERM or SIGINT, time open connections get to finish before they are closed; new ones are refused"),
    CLOAK_HOST(null, "cloak-host", "HOST", "MTG_CLOAK_HOST", "the secret's host",
        "tls: where connections that are not our clients are forwarded, untouched"),
    CLOAK_PORT(null, "cloak-port", "PORT", "MTG_CLOAK_PORT", String.valueOf(ProxyConfig.DEFAULT_CLOAK_PORT),
        "tls: port of the cloak host"),
    NO_TLS_SHAPING(null, "no-tls-shaping", null, "MTG_NO_TLS_SHAPING", "false",
        "tls: write full 16 KB records to clients from the first byte, instead of small records first growing to "
        + "16 KB as web servers do"),
    ANTI_REPLAY_MAX_SIZE(null, "anti-replay-max-size", "SIZE", "MTG_ANTI_REPLAY_MAX_SIZE",
        ByteSize.format(ProxyConfig.DEFAULT_ANTI_REPLAY_MAX_BYTES),
        "memory bound of the cache of seen handshakes that refuses replays; 0 disables it"),
    TOLERATE_TIME_SKEWNESS(null, "tolerate-time-skewness", "DURATION or PAST,FUTURE", "MTG_TOLERATE_TIME_SKEWNESS",
        ClockWindow.DEFAULT.format(),
        "tls: how far a client's clock may be behind and ahead of ours (one duration: both ways); a replay passes the "
        + "time check as long, so the anti-replay cache must cover it (see Clock window); also the NTP warning "
        + "threshold"),
    UNKNOWN_SNI(null, "unknown-sni", "POLICY", "MTG_UNKNOWN_SNI", UnknownSni.CLOAK.cliName(),
        "tls: a valid TLS hello naming no secret's host is fronted to the cloak host (cloak) or reset (reset); never "
        + "forwarded to the host it names"),
    NTP_SERVER(null, "ntp-server", "HOST[:PORT]", "MTG_NTP_SERVER", "[0-3].pool.ntp.org",
        "tls: SNTP servers for the clock check, one asked at a time; repeatable (the variable takes a comma-separated "
        + "list)"),
    STATS_BIND("t", "stats-bind", "HOST:PORT", "MTG_STATS_BIND", "not served",
        "serve Prometheus metrics on http://HOST:PORT/metrics and a health check on /health"),
    STATS_NAMESPACE(null, "stats-namespace", "NAME", "MTG_STATS_NAMESPACE", StatsConfig.DEFAULT_NAMESPACE,
        "prefix of every Prometheus metric name"),
    STATSD_ADDR(null, "statsd-addr", "HOST", "MTG_STATSD_ADDR", "not sent",
        "send statsd gauges over UDP to HOST"),
    STATSD_PORT(null, "statsd-port", "PORT", "MTG_STATSD_PORT", String.valueOf(StatsConfig.DEFAULT_STATSD_PORT),
        "UDP port of the statsd server"),
    STATSD_PREFIX(null, "statsd-prefix", "PREFIX", "MTG_STATSD_PREFIX", StatsConfig.DEFAULT_NAMESPACE,
        "prefix of every statsd metric name"),
    STATSD_TAGS_FORMAT(null, "statsd-tags-format", "FORMAT", "MTG_STATSD_TAGS_FORMAT", StatsdTagsFormat.NONE.cliName(),
        "how statsd tags are written: none (dropped), influxdb or datadog"),
    STATSD_TAGS(null, "statsd-tags", "KEY=VALUE", "MTG_STATSD_TAGS", "no tags",
        "a tag added to every statsd metric; repeatable (the variable takes a comma-separated list)"),
    STATSD_INTERVAL(null, "statsd-interval", "DURATION", "MTG_STATSD_INTERVAL",
        Durations.format(StatsConfig.DEFAULT_STATSD_INTERVAL_MS),
        "how often the statsd gauges are sent"),
    MIDDLE_PROXY_SECRET_URL(null, "middle-proxy-secret-url", "URL", "MTG_MIDDLE_PROXY_SECRET_URL",
        MiddleProxyUrls.DEFAULT_SECRET_URL,
        "ad tag mode: Telegram's proxy secret"),
    MIDDLE_PROXY_CONFIG_URL(null, "middle-proxy-config-url", "URL", "MTG_MIDDLE_PROXY_CONFIG_URL",
        MiddleProxyUrls.DEFAULT_CONFIG_URL, "ad tag mode: the IPv4 middle-proxy list"),
    MIDDLE_PROXY_CONFIG_URL_V6(null, "middle-proxy-config-url-v6", "URL", "MTG_MIDDLE_PROXY_CONFIG_URL_V6",
        MiddleProxyUrls.DEFAULT_CONFIG_URL_V6, "ad tag mode: the IPv6 middle-proxy list"),
    MULTIPLEX_PER_CONNECTION(null, "multiplex-per-connection", "N", "MTG_MULTIPLEX_PER_CONNECTION",
        String.valueOf(io.mtgj.config.MiddleProxySettings.DEFAULT_MULTIPLEX_PER_CONNECTION),
        "ad tag mode: clients per middle-proxy connection before the pool opens another"),
    HELP("h", "help", null, null, null,
        "show this help and exit");

    /** First line of {@code mtg run --help}. */
    static final String USAGE_LINE = "Usage: mtg run [flags] <secret> [adtag]\n" +
        "       mtg run [flags] --secrets FILE [adtag]";

    private static final int WIDTH = 120;
    private static final int INDENT = 2;
    private static final int GAP = 2;

    private final String shortName;
    private final String longName;
    private final String argName;
    private final String envName;
    private final String defaultText;
    private final String help;

    RunFlag(
        final String shortName,
        final String longName,
        final String argName,
        final String envName,
        final String defaultText,
        final String help)
    {
        this.shortName = shortName;
        this.longName = longName;
        this.argName = argName;
        this.envName = envName;
        this.defaultText = defaultText;
        this.help = help;
    }

    /**
     * @return the one-letter name, or null when the flag has none.
     */
    String shortName()
    {
        return shortName;
    }

    /**
     * @return the long name, without dashes; what {@link org.apache.commons.cli.CommandLine} is queried with.
     */
    String longName()
    {
        return longName;
    }

    /**
     * @return the environment variable, or null when the flag cannot be set from the environment.
     */
    String envName()
    {
        return envName;
    }

    /**
     * @return the default as shown to users, or null when there is none to show.
     */
    String defaultText()
    {
        return defaultText;
    }

    /**
     * @return whether the flag takes a value (else it is a switch).
     */
    boolean hasValue()
    {
        return null != argName;
    }

    /**
     * @return whether the flag may be given more than once, each time adding a value.
     */
    boolean isRepeatable()
    {
        return this == DC_ADDRESS || this == NTP_SERVER || this == STATSD_TAGS || this == SOCKS5;
    }

    /**
     * @return the flag as written on the command line, e.g. {@code -b, --bind HOST:PORT} or {@code --workers N}.
     */
    String synopsis()
    {
        final String names = null == shortName ? "--" + longName : "-" + shortName + ", --" + longName;
        return hasValue() ? names + " " + argName : names;
    }

    /**
     * @return the flag's name for messages: {@code --bind}.
     */
    String flagName()
    {
        return "--" + longName;
    }

    /**
     * @return commons-cli options for every flag.
     */
    static Options commandLineOptions()
    {
        final Options options = new Options();
        for (final RunFlag flag : values())
        {
            final Option.Builder builder = Option.builder(flag.shortName).longOpt(flag.longName).desc(flag.help);
            if (flag.hasValue())
            {
                builder.hasArg().argName(flag.argName);
            }
            options.addOption(builder.get());
        }
        return options;
    }

    /**
     * @return the text of {@code mtg run --help}, lines at most 120 columns.
     */
    static String usage()
    {
        final StringBuilder text = new StringBuilder(4096);
        text.append(USAGE_LINE).append("\n\n");
        wrap(text, "Runs the proxy and prints its tg:// and https://t.me links. <secret> is hex: 32 characters " +
            "(simple), dd and 32 (secured) or ee, 32 and the hex of a hostname (tls), as made by " +
            "'mtg generate-secret'. [adtag] is the 32 hex characters @MTProxybot gives to show a promoted channel. " +
            "With --secrets, each line of FILE names a user and their secret, with options max-connections=N, " +
            "quota=SIZE[/day|/month] and expires=YYYY-MM-DD; each user's links are printed after its name.",
            "", WIDTH);
        text.append('\n');
        wrap(text, "Every flag can also be set through its environment variable; a flag on the command line wins. " +
            "Sizes take B, KB, MB or GB; durations ms, s, m or h.", "", WIDTH);
        text.append("\nFlags:\n");

        int column = 0;
        for (final RunFlag flag : values())
        {
            column = Math.max(column, (null == flag.shortName ? 4 : 0) + flag.synopsis().length());
        }
        column += INDENT + GAP;
        final String hanging = " ".repeat(column);
        for (final RunFlag flag : values())
        {
            final String head = " ".repeat(INDENT) + (null == flag.shortName ? "    " : "") + flag.synopsis();
            final StringBuilder line = new StringBuilder(head).append(" ".repeat(column - head.length()));
            wrapFrom(text, line, flag.help, hanging, WIDTH);
            if (null != flag.envName)
            {
                wrapFrom(text, new StringBuilder(hanging), "env " + flag.envName + ", default " + flag.defaultText,
                    hanging, WIDTH);
            }
        }
        return text.toString();
    }

    /**
     * @return the flag table in Markdown: flag, environment variable, default, meaning.
     */
    static String markdownTable()
    {
        final StringBuilder text = new StringBuilder(2048);
        text.append("| Flag | Environment | Default | Meaning |\n");
        text.append("|---|---|---|---|\n");
        for (final RunFlag flag : values())
        {
            text.append("| ").append(code(flag.synopsis().replace(", ", "`, `")))
                .append(" | ").append(null == flag.envName ? "" : code(flag.envName))
                .append(" | ").append(null == flag.defaultText ? "" : markdownDefault(flag.defaultText))
                .append(" | ").append(escape(flag.help))
                .append(" |\n");
        }
        return text.toString();
    }

    private static String markdownDefault(final String defaultText)
    {
        // "detected", "built-in table" and "number of CPUs" describe a default; the rest are literal values
        return defaultText.indexOf(' ') >= 0 || "detected".equals(defaultText) ? escape(defaultText) :
            code(defaultText);
    }

    private static String code(final String text)
    {
        return "`" + escape(text) + "`";
    }

    private static String escape(final String text)
    {
        return text.replace("|", "\\|");
    }

    private static void wrap(final StringBuilder out, final String text, final String hanging, final int width)
    {
        wrapFrom(out, new StringBuilder(), text, hanging, width);
    }

    private static void wrapFrom(
        final StringBuilder out, final StringBuilder line, final String text, final String hanging, final int width)
    {
        boolean lineHasWord = false;
        for (final String word : text.split(" "))
        {
            if (lineHasWord && line.length() + 1 + word.length() > width)
            {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(hanging);
                lineHasWord = false;
            }
            if (lineHasWord)
            {
                line.append(' ');
            }
            line.append(word);
            lineHasWord = true;
        }
        out.append(line).append('\n');
    }
}
