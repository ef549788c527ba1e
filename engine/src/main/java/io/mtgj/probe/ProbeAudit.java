package io.mtgj.probe;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs the battery: each probe on fresh connections to the proxy and to the cloak host at the same time (same
 * bytes to both), then compares. The first use of a valid hello must reach the proxy before its replay, so the
 * replay waits for its first answer. Takes about one timeout, two at most.
 */
public final class ProbeAudit
{
    /** Bytes of a hello the stalled probe sends before falling silent. */
    static final int STALLED_BYTES = 100;
    /** Random bytes the random probe sends. */
    static final int RANDOM_BYTES = 512;

    private final InetSocketAddress proxy;
    private final InetSocketAddress cloak;
    private final String serverName;
    private final Secret secret;
    private final int timeoutMs;

    /**
     * @param proxy      the proxy to audit.
     * @param cloak      the site it claims to be, or null to hold it to silence (simple and secured secrets).
     * @param serverName the host name the probes use: the secret's for a FakeTLS secret.
     * @param secret     the proxy's secret, or null; a FakeTLS one adds the valid and replayed hellos.
     * @param timeoutMs  time allowed to connect, and then to watch each connection.
     */
    public ProbeAudit(final InetSocketAddress proxy, final InetSocketAddress cloak, final String serverName,
        final Secret secret, final int timeoutMs)
    {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.cloak = cloak;
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.secret = secret;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @return one row per probe, in {@link ProbeKind} order.
     * @throws GeneralSecurityException when the JDK cannot make a TLS ClientHello.
     */
    public List<ProbeRow> run() throws GeneralSecurityException
    {
        final Map<ProbeKind, Probe> battery = battery();
        final Map<ProbeKind, CompletableFuture<Observation>> atProxy = new EnumMap<>(ProbeKind.class);
        final Map<ProbeKind, CompletableFuture<Observation>> atCloak = new EnumMap<>(ProbeKind.class);
        final CompletableFuture<Void> primed = new CompletableFuture<>();
        for (final Probe probe : battery.values())
        {
            if (ProbeKind.REPLAYED_HELLO == probe.kind())
            {
                continue;
            }
            final Runnable onAnswer = ProbeKind.VALID_HELLO == probe.kind() ? () -> primed.complete(null) : () -> { };
            atProxy.put(probe.kind(), start(() -> ProbeClient.observe(proxy, probe, timeoutMs, onAnswer)));
            if (null != cloak)
            {
                atCloak.put(probe.kind(), start(() -> ProbeClient.observe(cloak, probe, timeoutMs, () -> { })));
            }
        }
        final Probe replay = battery.get(ProbeKind.REPLAYED_HELLO);
        if (null != replay)
        {
            atProxy.put(replay.kind(), start(() ->
            {
                awaitQuietly(primed, 2L * timeoutMs);
                return ProbeClient.observe(proxy, replay, timeoutMs, () -> { });
            }));
            if (null != cloak)
            {
                atCloak.put(replay.kind(), start(() ->
                {
                    awaitQuietly(atCloak.get(ProbeKind.VALID_HELLO), 3L * timeoutMs);
                    return ProbeClient.observe(cloak, replay, timeoutMs, () -> { });
                }));
            }
        }

        final List<ProbeRow> rows = new ArrayList<>(battery.size());
        for (final ProbeKind kind : battery.keySet())
        {
            final Observation fromProxy = atProxy.get(kind).join();
            if (null == cloak)
            {
                rows.add(new ProbeRow(kind, fromProxy, null, Comparison.againstSilence(fromProxy)));
            }
            else
            {
                final Observation fromCloak = atCloak.get(kind).join();
                rows.add(new ProbeRow(kind, fromProxy, fromCloak, Comparison.between(fromProxy, fromCloak)));
            }
        }
        return rows;
    }

    /**
     * @return the probes for this audit, in report order.
     */
    Map<ProbeKind, Probe> battery() throws GeneralSecurityException
    {
        final SecureRandom random = new SecureRandom();
        final Map<ProbeKind, Probe> battery = new EnumMap<>(ProbeKind.class);
        final byte[] http = ("GET / HTTP/1.1\r\nHost: " + serverName + "\r\n" +
            "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
            "Chrome/131.0.0.0 Safari/537.36\r\nAccept: */*\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        battery.put(ProbeKind.HTTP_GET, new Probe(ProbeKind.HTTP_GET, http, false));
        final byte[] noise = new byte[RANDOM_BYTES];
        random.nextBytes(noise);
        battery.put(ProbeKind.RANDOM_BYTES, new Probe(ProbeKind.RANDOM_BYTES, noise, false));
        final byte[] hello = JdkClientHello.capture(serverName);
        battery.put(ProbeKind.TRUNCATED_HELLO,
            new Probe(ProbeKind.TRUNCATED_HELLO, ProbeClient.prefix(hello, hello.length / 2), true));
        battery.put(ProbeKind.EMPTY, new Probe(ProbeKind.EMPTY, new byte[0], true));
        battery.put(ProbeKind.FOREIGN_SNI,
            new Probe(ProbeKind.FOREIGN_SNI, JdkClientHello.capture(foreignName(serverName)), false));
        battery.put(ProbeKind.STALLED_HELLO,
            new Probe(ProbeKind.STALLED_HELLO, ProbeClient.prefix(hello, STALLED_BYTES), false));
        if (null != secret && SecretMode.FAKE_TLS == secret.mode())
        {
            final byte[] valid = JdkClientHello.signed(JdkClientHello.capture(secret.host()), secret,
                System.currentTimeMillis() / 1000);
            battery.put(ProbeKind.VALID_HELLO, new Probe(ProbeKind.VALID_HELLO, valid, false));
            battery.put(ProbeKind.REPLAYED_HELLO, new Probe(ProbeKind.REPLAYED_HELLO, valid, false));
        }
        return battery;
    }

    /**
     * @param serverName the name the proxy claims.
     * @return a well-known name that is not it.
     */
    static String foreignName(final String serverName)
    {
        return "www.example.com".equalsIgnoreCase(serverName) ? "www.example.org" : "www.example.com";
    }

    private static CompletableFuture<Observation> start(final Supplier<Observation> task)
    {
        final CompletableFuture<Observation> result = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                result.complete(task.get());
            }
            catch (final RuntimeException | Error ex)
            {
                result.completeExceptionally(ex);
            }
        }, "mtg-probe");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private static void awaitQuietly(final CompletableFuture<?> event, final long timeoutMs)
    {
        try
        {
            event.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final TimeoutException | java.util.concurrent.ExecutionException ex)
        {
            // send anyway: the row then shows what the proxy did without the first use before it
        }
    }
}
