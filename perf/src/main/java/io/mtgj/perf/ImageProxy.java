package io.mtgj.perf;

import io.mtgj.perf.middle.MiddleConfigServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime image's {@code bin/mtg run} as the benches start it: on 127.0.0.1 only, with nothing inherited from
 * the environment's {@code MTG_*} variables, so its profile is the image's own unless asked otherwise.
 */
final class ImageProxy
{
    private static final Pattern BUFFER_MEMORY = Pattern.compile("\\bbuffer_memory=(\\d+)");
    private static final int HTTP_TIMEOUT_MS = 10_000;

    private ImageProxy()
    {
    }

    /**
     * @param launcher the image's {@code bin/mtg}.
     * @param bind     where the proxy listens.
     * @param dc       the fake DC every DC index goes to, or null for none (ad tag mode).
     * @param flags    more {@code mtg run} flags.
     * @param secret   the secret, as {@code mtg run} reads it.
     * @param trailing arguments after the secret (the ad tag).
     * @return the command: only what keeps the proxy on loopback is added (bind, DC address, public addresses,
     *         cloak and NTP hosts) to {@code flags}.
     */
    static List<String> command(final Path launcher, final InetSocketAddress bind, final InetSocketAddress dc,
        final List<String> flags, final String secret, final List<String> trailing)
    {
        final List<String> command = new ArrayList<>(List.of(launcher.toString(), "run", "-b", PerfMain.text(bind),
            "-4", "127.0.0.1", "-6", "::1", "--cloak-host", "127.0.0.1", "--cloak-port", "1",
            "--ntp-server", "127.0.0.1:9"));
        if (null != dc)
        {
            command.addAll(List.of("--dc-address", "2=" + PerfMain.text(dc)));
        }
        command.addAll(flags);
        command.add(secret);
        command.addAll(trailing);
        return command;
    }

    /**
     * @param config the fake middle proxies' configuration server.
     * @return the flags that make the proxy download its proxy secret and middle proxy lists from it.
     */
    static List<String> middleProxyFlags(final MiddleConfigServer config)
    {
        return List.of("--middle-proxy-secret-url", config.secretUrl().toString(),
            "--middle-proxy-config-url", config.configUrl().toString(),
            "--middle-proxy-config-url-v6", config.configV6Url().toString());
    }

    /**
     * Start a {@link #command} without the {@code MTG_*} variables of this process, and wait until it listens.
     *
     * @param javaOpts {@code MTG_JAVA_OPTS} for it, or empty for none.
     */
    static ManagedProcess start(final String name, final List<String> command, final String javaOpts,
        final InetSocketAddress address, final Path log) throws IOException, InterruptedException
    {
        return ManagedProcess.start(name, command, environment ->
        {
            environment.keySet().removeIf(key -> key.startsWith("MTG_"));
            if (!javaOpts.isEmpty())
            {
                environment.put("MTG_JAVA_OPTS", javaOpts);
            }
        }, address, log);
    }

    /**
     * @param log the proxy's output.
     * @return the connection limit and buffer memory the proxy chose, from its start-up line
     *         ({@code proxy started ... max_connections=N max_connections_from="..." buffer_memory=...}), or empty
     *         when the log has none within a second.
     */
    static String startupLimits(final Path log) throws IOException, InterruptedException
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8))
            {
                final int start = line.indexOf(" max_connections=");
                if (line.contains("proxy started") && start >= 0)
                {
                    final int end = line.indexOf(" stall_timeout_ms=", start);
                    return line.substring(start + 1, end > start ? end : line.length());
                }
            }
            Thread.sleep(100);
        }
        return "";
    }

    /**
     * @param limits what {@link #startupLimits} returned.
     * @return the arena's size in bytes ({@code buffer_memory=}), or -1 when the line has none.
     */
    static long bufferMemoryBytes(final String limits)
    {
        final Matcher matcher = BUFFER_MEMORY.matcher(limits);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /**
     * @param port a loopback HTTP port.
     * @param path what to get, e.g. {@code /metrics}.
     * @return the body.
     * @throws IOException when the server does not answer in time.
     */
    static String httpGet(final int port, final String path) throws IOException
    {
        final URLConnection connection = URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        connection.setConnectTimeout(HTTP_TIMEOUT_MS);
        connection.setReadTimeout(HTTP_TIMEOUT_MS);
        try (InputStream in = connection.getInputStream())
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
