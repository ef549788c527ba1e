package io.mtgj.telegram.middle;

import io.mtgj.config.PreferIp;
import io.mtgj.net.HandshakeResult;
import io.mtgj.net.MiddleDirectory;
import io.mtgj.net.Upstream;
import io.mtgj.net.UpstreamPlan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Promoted-channel mode's upstream: Telegram's middle proxies, their list and the proxy secret fetched over HTTP(S)
 * at start and refreshed on the control thread (protocol.md 7.1). A failed refresh keeps the last good copy.
 */
public final class MiddleProxyUpstream implements Upstream, MiddleDirectory
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.middle");
    private static final int TIMEOUT_MS = 30_000;
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final int MIN_SECRET_LENGTH = 32;
    private static final int MAX_SECRET_LENGTH = 256;

    private final URI secretUrl;
    private final URI configUrl;
    private final URI configUrlV6;
    private final byte[] adTag;
    private final InetAddress publicIpv4;
    private final int multiplex;
    private final PreferIp preferIp;
    private volatile Snapshot snapshot;

    /**
     * @param secretUrl   proxy secret URL.
     * @param configUrl   IPv4 list URL.
     * @param configUrlV6 IPv6 list URL.
     * @param adTag       the 16-byte ad tag.
     * @param publicIpv4  our public IPv4 when behind NAT, or null.
     * @param multiplex   clients per middle-proxy connection.
     * @param preferIp    family policy: {@code only-*} forces a family, otherwise the client's is used.
     */
    public MiddleProxyUpstream(final URI secretUrl, final URI configUrl, final URI configUrlV6, final byte[] adTag,
        final InetAddress publicIpv4, final int multiplex, final PreferIp preferIp)
    {
        this.preferIp = preferIp;
        this.secretUrl = secretUrl;
        this.configUrl = configUrl;
        this.configUrlV6 = configUrlV6;
        this.adTag = adTag.clone();
        this.publicIpv4 = publicIpv4;
        this.multiplex = multiplex;
    }

    /**
     * Fetch everything now (blocking; control thread or start-up).
     *
     * @throws IOException when the secret or the IPv4 list cannot be had; the old copy stays in use.
     */
    public void refresh() throws IOException
    {
        final byte[] secret = fetch(secretUrl);
        if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH)
        {
            throw new IOException("the proxy secret from " + secretUrl + " is " + secret.length + " bytes, expected " +
                MIN_SECRET_LENGTH + ".." + MAX_SECRET_LENGTH);
        }
        final MiddleProxyList v4 = parse(configUrl);
        MiddleProxyList v6 = null;
        try
        {
            v6 = parse(configUrlV6);
        }
        catch (final IOException ex)
        {
            final Snapshot old = snapshot;
            v6 = null == old ? null : old.v6;
            LOG.log(System.Logger.Level.WARNING, "cannot fetch the IPv6 middle-proxy list, IPv6 clients use IPv4: {0}",
                ex.getMessage());
        }
        snapshot = new Snapshot(secret, v4, v6);
        LOG.log(System.Logger.Level.INFO, "middle-proxy config loaded secret_bytes={0} dcs_v4={1} dcs_v6={2}",
            secret.length, v4.size(), null == v6 ? 0 : v6.size());
    }

    /**
     * {@link #refresh()} for the control thread: a failure is logged and the last good copy kept.
     */
    public void refreshQuietly()
    {
        try
        {
            refresh();
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "middle-proxy config refresh failed, keeping the last good copy: {0}",
                ex.getMessage());
        }
    }

    private MiddleProxyList parse(final URI url) throws IOException
    {
        try
        {
            return MiddleProxyList.parse(new String(fetch(url), StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException(url + ": " + ex.getMessage(), ex);
        }
    }

    private static byte[] fetch(final URI url) throws IOException
    {
        final HttpURLConnection connection = (HttpURLConnection)url.toURL().openConnection();
        try
        {
            connection.setConnectTimeout(TIMEOUT_MS);
            connection.setReadTimeout(TIMEOUT_MS);
            connection.setRequestProperty("User-Agent", "mtg-jvm");
            connection.setRequestProperty("Accept", "*/*");
            final int status = connection.getResponseCode();
            if (200 != status)
            {
                throw new IOException(url + " answered HTTP " + status);
            }
            try (InputStream in = connection.getInputStream())
            {
                final ByteArrayOutputStream body = new ByteArrayOutputStream();
                final byte[] chunk = new byte[8192];
                int n;
                while ((n = in.read(chunk)) >= 0)
                {
                    body.write(chunk, 0, n);
                    if (body.size() > MAX_BODY_BYTES)
                    {
                        throw new IOException(url + " answered more than " + MAX_BODY_BYTES + " bytes");
                    }
                }
                return body.toByteArray();
            }
        }
        finally
        {
            connection.disconnect();
        }
    }

    @Override
    public UpstreamPlan plan(final HandshakeResult client)
    {
        return null; // clients join shared connections through the reactor's multiplexer, never dial
    }

    @Override
    public InetSocketAddress pick(final short dcIndex, final boolean ipv6)
    {
        final Snapshot current = snapshot;
        List<InetSocketAddress> candidates = ipv6 && null != current.v6 ? current.v6.candidates(dcIndex) : List.of();
        if (candidates.isEmpty())
        {
            candidates = current.v4.candidates(dcIndex);
        }
        return candidates.isEmpty() ? null : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }

    @Override
    public boolean useIpv6(final boolean clientIpv6)
    {
        return PreferIp.ONLY_IPV6 == preferIp || (PreferIp.ONLY_IPV4 != preferIp && clientIpv6);
    }

    @Override
    public byte[] proxySecret()
    {
        return snapshot.secret;
    }

    @Override
    public byte[] adTag()
    {
        return adTag;
    }

    @Override
    public InetAddress publicIpv4()
    {
        return publicIpv4;
    }

    @Override
    public int multiplexPerConnection()
    {
        return multiplex;
    }

    /**
     * One consistent copy of what Telegram published.
     */
    private static final class Snapshot
    {
        private final byte[] secret;
        private final MiddleProxyList v4;
        private final MiddleProxyList v6;

        Snapshot(final byte[] secret, final MiddleProxyList v4, final MiddleProxyList v6)
        {
            this.secret = secret;
            this.v4 = v4;
            this.v6 = v6;
        }
    }
}
