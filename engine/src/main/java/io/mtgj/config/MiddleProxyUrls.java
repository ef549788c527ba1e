package io.mtgj.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where promoted-channel mode fetches what Telegram publishes about its middle proxies.
 *
 * @param secretUrl   the proxy secret ({@code --middle-proxy-secret-url}).
 * @param configUrl   the IPv4 middle-proxy list ({@code --middle-proxy-config-url}).
 * @param configUrlV6 the IPv6 middle-proxy list ({@code --middle-proxy-config-url-v6}).
 */
public record MiddleProxyUrls(URI secretUrl, URI configUrl, URI configUrlV6)
{
    /** Where Telegram publishes the proxy secret (protocol.md 7.1). */
    public static final String DEFAULT_SECRET_URL = "https://core.telegram.org/getProxySecret";
    /** Where Telegram publishes the IPv4 middle proxies. */
    public static final String DEFAULT_CONFIG_URL = "https://core.telegram.org/getProxyConfig";
    /** Where Telegram publishes the IPv6 middle proxies. */
    public static final String DEFAULT_CONFIG_URL_V6 = "https://core.telegram.org/getProxyConfigV6";

    /** Telegram's own. */
    public static final MiddleProxyUrls DEFAULT = parse(DEFAULT_SECRET_URL, DEFAULT_CONFIG_URL, DEFAULT_CONFIG_URL_V6);

    /**
     * @param secretUrl   the proxy secret's URL.
     * @param configUrl   the IPv4 list's URL.
     * @param configUrlV6 the IPv6 list's URL.
     * @return the URLs.
     * @throws IllegalArgumentException naming the flag of one that is not an http(s) URL.
     */
    public static MiddleProxyUrls parse(final String secretUrl, final String configUrl, final String configUrlV6)
    {
        return new MiddleProxyUrls(url("--middle-proxy-secret-url", secretUrl),
            url("--middle-proxy-config-url", configUrl), url("--middle-proxy-config-url-v6", configUrlV6));
    }

    private static URI url(final String flag, final String text)
    {
        try
        {
            final URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || null == uri.getHost())
            {
                throw new IllegalArgumentException("bad " + flag + " '" + text + "': expected an http(s) URL");
            }
            return uri;
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("bad " + flag + " '" + text + "': " + ex.getReason());
        }
    }
}
