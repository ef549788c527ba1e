package io.mtgj.diagnose;

import io.mtgj.publicip.PublicIpDetector;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Whether the secret's hostname resolves to this server's public address. FakeTLS clients connect to the proxy's
 * IP and send that hostname as SNI in the clear, so a passive observer (DPI) can resolve the name and see that the
 * IP is not one of its addresses: a classic FakeTLS tell (mtg v2 warns about it too, protocol.md 6). WARN when
 * they differ, when the name does not resolve, or when the public address cannot be learned.
 * <p>
 * The public addresses are the ones given ({@code -4}/{@code -6}); only when neither is given are both families
 * asked of {@code --public-ip-url}, as {@code mtg run} does for its links.
 */
public final class SniAddressCheck implements Check
{
    private static final String NAME = "sni address";

    private final String host;
    private final List<InetAddress> given;
    private final URI publicIpUrl;
    private final int timeoutMs;

    /**
     * @param host        the secret's hostname.
     * @param given       this server's public addresses from {@code -4}/{@code -6}; empty to detect them.
     * @param publicIpUrl the detection service.
     * @param timeoutMs   time allowed for each family's detection.
     */
    public SniAddressCheck(final String host, final List<InetAddress> given, final URI publicIpUrl,
        final int timeoutMs)
    {
        this.host = host;
        this.given = List.copyOf(given);
        this.publicIpUrl = publicIpUrl;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public List<Finding> run()
    {
        final List<InetAddress> ours = given.isEmpty() ? detect() : given;
        final List<InetAddress> resolved;
        try
        {
            resolved = List.of(InetAddress.getAllByName(host));
        }
        catch (final UnknownHostException ex)
        {
            return List.of(Finding.warn(NAME, host + " does not resolve", "an SNI naming no address stands out: " +
                "use a hostname that resolves to this server (e.g. your own domain), or accept the risk"));
        }
        final String resolvedText = host + " resolves to " + text(resolved);
        if (ours.isEmpty())
        {
            return List.of(Finding.warn(NAME, resolvedText + "; this server's public address is unknown (" +
                publicIpUrl + " did not answer)", "pass -4/-6 with the public address to check it"));
        }
        final String found = resolvedText + "; this server is " + text(ours);
        for (final InetAddress address : resolved)
        {
            if (ours.contains(address))
            {
                return List.of(Finding.ok(NAME, found));
            }
        }
        return List.of(Finding.warn(NAME, found, "a passive observer sees an SNI for " + host + " sent to an IP " +
            "that is not one of its addresses: use a hostname that resolves here (e.g. your own domain pointed at " +
            "this server, with a site behind --cloak-host), or accept the risk"));
    }

    private List<InetAddress> detect()
    {
        final PublicIpDetector detector = new PublicIpDetector();
        final Duration timeout = Duration.ofMillis(timeoutMs);
        final CompletableFuture<InetAddress> v6 = new CompletableFuture<>();
        final Thread thread = new Thread(() -> v6.complete(detector.detect(publicIpUrl, true, timeout)),
            "mtg-doctor-public-ip");
        thread.setDaemon(true);
        thread.start();
        final List<InetAddress> found = new ArrayList<>(2);
        final InetAddress v4 = detector.detect(publicIpUrl, false, timeout);
        if (null != v4)
        {
            found.add(v4);
        }
        final InetAddress six = v6.join();
        if (null != six)
        {
            found.add(six);
        }
        return found;
    }

    private static String text(final List<InetAddress> addresses)
    {
        final List<String> texts = new ArrayList<>(addresses.size());
        for (final InetAddress address : addresses)
        {
            texts.add(address.getHostAddress());
        }
        return String.join(", ", texts);
    }
}
