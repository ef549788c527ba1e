package io.mtgj.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;

/**
 * One bounded HTTP(S) {@code GET}: connect and read timeouts, a size cap, status 200 only, and errors that name the
 * URL. Off the reactors only: it blocks.
 */
public final class HttpGet
{
    /** Largest body read: Telegram's lists are a few KB. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private HttpGet()
    {
    }

    /**
     * @param url       an http or https URL.
     * @param proxy     the proxy to fetch through (a SOCKS5 upstream), or null to connect directly.
     * @param timeoutMs time allowed to connect, and then between two reads.
     * @return the body.
     * @throws IOException naming the URL when it cannot be had.
     */
    public static byte[] get(final URI url, final Proxy proxy, final int timeoutMs) throws IOException
    {
        final HttpURLConnection connection = (HttpURLConnection)(null == proxy ? url.toURL().openConnection() :
            url.toURL().openConnection(proxy));
        try
        {
            connection.setConnectTimeout(timeoutMs);
            connection.setReadTimeout(timeoutMs);
            connection.setInstanceFollowRedirects(true);
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
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk))
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
        catch (final IOException ex)
        {
            throw null != ex.getMessage() && ex.getMessage().contains(url.toString()) ? ex :
                new IOException(url + ": " + ex, ex);
        }
        finally
        {
            connection.disconnect();
        }
    }
}
