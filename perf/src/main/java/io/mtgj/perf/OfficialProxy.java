package io.mtgj.perf;

import io.mtgj.secret.Hex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The official C proxy (TelegramMessenger/MTProxy's {@code mtproto-proxy}, built by {@code make mtproxy}) as the
 * middle bench runs it: the files it reads and its command line. What each flag means is in its
 * {@code mtproto/mtproto-proxy.c}, {@code engine/engine-net.c} and {@code common/server-functions.c}.
 */
final class OfficialProxy
{
    /** Its {@code --aes-pwd} file: the proxy secret, as downloaded from getProxySecret. */
    static final String SECRET_FILE = "proxy-secret";
    /** Its configuration: the middle proxies in getProxyConfig's format ({@code proxy_for DC HOST:PORT;}). */
    static final String CONFIG_FILE = "proxy-multi.conf";
    /** It raises its open-file limit to {@code -c} plus this, and refuses to start when it cannot. */
    static final int DESCRIPTOR_MARGIN = 16;
    /** Its default and largest {@code -c}. */
    static final int MAX_CONNECTIONS = 65_536;

    private OfficialProxy()
    {
    }

    /**
     * Write the two files it reads at start.
     *
     * @param dir         a folder of its own.
     * @param proxySecret the proxy secret the middle proxies expect.
     * @param configText  the middle proxy list, as {@code MiddleConfigServer} serves it to this project's proxy.
     */
    static void writeFiles(final Path dir, final byte[] proxySecret, final String configText) throws IOException
    {
        Files.createDirectories(dir);
        Files.write(dir.resolve(SECRET_FILE), proxySecret);
        Files.writeString(dir.resolve(CONFIG_FILE), configText, StandardCharsets.US_ASCII);
    }

    /**
     * @param binary         its {@code mtproto-proxy}.
     * @param dir            where {@link #writeFiles} wrote.
     * @param port           the client port, on 127.0.0.1.
     * @param statsPort      the HTTP port of its {@code /stats}.
     * @param key            the client secret's 16 bytes (clients add {@code dd} on their side).
     * @param adTag          the ad tag's 16 bytes.
     * @param user           who it runs as (it changes to this user when started as root).
     * @param openFileLimit  the limit it inherits.
     * @return the command: one process, no workers ({@code -M 0}, so its RSS and CPU are one process's), listening
     *         on 127.0.0.1 only.
     */
    static List<String> command(final Path binary, final Path dir, final int port, final int statsPort,
        final byte[] key, final byte[] adTag, final String user, final long openFileLimit)
    {
        final List<String> command = new ArrayList<>();
        command.add(binary.toAbsolutePath().toString());
        command.addAll(List.of("-u", user));
        command.addAll(List.of("-M", "0"));
        command.addAll(List.of("--address", "127.0.0.1"));
        command.addAll(List.of("-H", String.valueOf(port)));
        command.addAll(List.of("-p", String.valueOf(statsPort), "--http-stats"));
        command.addAll(List.of("-c", String.valueOf(maxConnections(openFileLimit))));
        command.addAll(List.of("-S", Hex.encode(key)));
        command.addAll(List.of("-P", Hex.encode(adTag)));
        command.addAll(List.of("--aes-pwd", dir.resolve(SECRET_FILE).toAbsolutePath().toString()));
        command.add(dir.resolve(CONFIG_FILE).toAbsolutePath().toString());
        return command;
    }

    /**
     * @param openFileLimit the soft open-file limit it inherits.
     * @return its {@code -c}: as many connections as the limit allows, since it exits at start when it cannot raise
     *         the limit to {@code -c + 16} (65,552 by default).
     */
    static long maxConnections(final long openFileLimit)
    {
        return Math.max(1, Math.min(MAX_CONNECTIONS, openFileLimit - DESCRIPTOR_MARGIN));
    }
}
