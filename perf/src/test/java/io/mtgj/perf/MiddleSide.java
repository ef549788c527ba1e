package io.mtgj.perf;

import io.mtgj.config.MiddleProxyUrls;
import io.mtgj.config.ProxyConfig;
import io.mtgj.perf.middle.FakeMiddleProxy;
import io.mtgj.perf.middle.MiddleConfigServer;
import io.mtgj.secret.Hex;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Telegram's side of a promoted-channel test: one fake middle proxy, and the configuration server that lists it for
 * every DC and hands out the proxy secret they share.
 */
final class MiddleSide implements AutoCloseable
{
    static final String AD_TAG = "0123456789abcdef0123456789abcdef";

    final byte[] proxySecret;
    final FakeMiddleProxy middleProxy;
    final MiddleConfigServer configServer;

    private MiddleSide(final byte[] proxySecret, final FakeMiddleProxy middleProxy,
        final MiddleConfigServer configServer)
    {
        this.proxySecret = proxySecret;
        this.middleProxy = middleProxy;
        this.configServer = configServer;
    }

    static MiddleSide start(final Random random) throws IOException
    {
        final byte[] proxySecret = new byte[128];
        random.nextBytes(proxySecret);
        final FakeMiddleProxy middleProxy = FakeMiddleProxy.start(proxySecret);
        try
        {
            return new MiddleSide(proxySecret, middleProxy, MiddleConfigServer.start(proxySecret,
                MiddleConfigServer.everyDc(List.of(middleProxy.address())), Map.of()));
        }
        catch (final IOException | RuntimeException ex)
        {
            middleProxy.close();
            throw ex;
        }
    }

    /**
     * @return {@code builder} in ad tag mode with one reactor, fetching its middle proxies from here.
     */
    ProxyConfig.Builder pointAt(final ProxyConfig.Builder builder)
    {
        return builder
            .adTag(Hex.decode(AD_TAG))
            .workers(1)
            .middleProxyUrls(MiddleProxyUrls.parse(configServer.secretUrl().toString(),
                configServer.configUrl().toString(), configServer.configV6Url().toString()));
    }

    @Override
    public void close() throws Exception
    {
        try
        {
            configServer.close();
        }
        finally
        {
            middleProxy.close();
        }
    }
}
