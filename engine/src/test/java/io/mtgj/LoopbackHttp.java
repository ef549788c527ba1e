package io.mtgj;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A plain HTTP GET to a port on 127.0.0.1, for tests of the stats endpoint (here and in the perf module).
 */
public final class LoopbackHttp
{
    private LoopbackHttp()
    {
    }

    /**
     * @param address   where the server listens; only its port is used.
     * @param path      a path.
     * @param status    the status expected.
     * @param timeoutMs connect and read timeout.
     * @return the body.
     * @throws IOException when the request fails.
     */
    public static String get(final InetSocketAddress address, final String path, final int status,
        final int timeoutMs) throws IOException
    {
        final HttpURLConnection connection = (HttpURLConnection)new URL(
            "http://127.0.0.1:" + address.getPort() + path).openConnection();
        connection.setConnectTimeout(timeoutMs);
        connection.setReadTimeout(timeoutMs);
        try
        {
            assertEquals(status, connection.getResponseCode(), path);
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream())
            {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        finally
        {
            connection.disconnect();
        }
    }
}
