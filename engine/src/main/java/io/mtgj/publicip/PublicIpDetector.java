package io.mtgj.publicip;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Asks a "what is my IP" service for this host's public address of one family (protocol.md 8.2): one
 * {@code GET} over a socket connected to an address of that family only, so the service sees the address the
 * family leaves by. Blocking; for start-up, never for the reactor.
 */
public final class PublicIpDetector
{
    /** The service mtg v1 asks. */
    public static final URI DEFAULT_URL = URI.create("https://ifconfig.co/ip");
    /** Time allowed for one family: resolving, connecting, TLS and the whole answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger("io.mtgj.publicip");
    private static final int HTTP_PORT = 80;
    private static final int HTTPS_PORT = 443;

    /**
     * A detector; it holds no state, one can serve any number of calls.
     */
    public PublicIpDetector()
    {
    }

    /**
     * Check that a URL can be used for detection.
     *
     * @param url the URL.
     * @return the same URL.
     * @throws IllegalArgumentException naming the URL when it is not an absolute http or https URL with a host.
     */
    public static URI checkUrl(final URI url)
    {
        final String scheme = null == url.getScheme() ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme))
        {
            throw new IllegalArgumentException("bad public IP URL '" + url + "': expected http:// or https://");
        }
        if (null == url.getHost() || url.getHost().isEmpty())
        {
            throw new IllegalArgumentException("bad public IP URL '" + url + "': no host");
        }
        return url;
    }

    /**
     * Detect the public address of one family. Network failures, timeouts, non-200 answers and answers that are not
     * an IP literal of the family all yield null; they are logged at DEBUG.
     *
     * @param url     an http or https URL answering {@code GET} with the caller's address as plain text.
     * @param ipv6    whether to detect the IPv6 address (else IPv4).
     * @param timeout time allowed for connecting and reading the whole answer.
     * @return the address, or null when it could not be detected.
     * @throws IllegalArgumentException when the URL is unusable, see {@link #checkUrl(URI)}.
     */
    public InetAddress detect(final URI url, final boolean ipv6, final Duration timeout)
    {
        checkUrl(url);
        Objects.requireNonNull(timeout, "timeout");
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final String family = ipv6 ? "ipv6" : "ipv4";
        final String host = stripBrackets(url.getHost());
        final boolean https = "https".equalsIgnoreCase(url.getScheme());
        final int port = url.getPort() >= 0 ? url.getPort() : https ? HTTPS_PORT : HTTP_PORT;

        final InetAddress[] candidates;
        try
        {
            candidates = InetAddress.getAllByName(host);
        }
        catch (final UnknownHostException ex)
        {
            logFailure(url, family, "cannot resolve " + host);
            return null;
        }

        String failure = "no " + family + " address for " + host;
        for (final InetAddress candidate : candidates)
        {
            if (!IpLiteral.isFamily(candidate, ipv6))
            {
                continue;
            }
            final Socket socket = new Socket();
            try
            {
                socket.connect(new InetSocketAddress(candidate, port), remainingMs(deadlineNs));
            }
            catch (final IOException ex)
            {
                closeQuietly(socket);
                failure = "cannot connect to " + candidate.getHostAddress() + " port " + port + ": " + ex;
                continue;
            }
            // connected: this exchange decides, other addresses of the family would only repeat it
            try (Socket connection = https ? startTls(socket, host, port, deadlineNs) : socket)
            {
                final InetAddress answer = ask(connection, url, ipv6, deadlineNs);
                if (null == answer)
                {
                    logFailure(url, family, "the answer is not an " + family + " literal");
                }
                else
                {
                    LOG.log(System.Logger.Level.DEBUG, "public ip detected url={0} family={1} address={2}", url,
                        family, answer.getHostAddress());
                }
                return answer;
            }
            catch (final IOException | RuntimeException ex)
            {
                closeQuietly(socket);
                logFailure(url, family, ex.toString());
                return null;
            }
        }
        logFailure(url, family, failure);
        return null;
    }

    private static InetAddress ask(final Socket socket, final URI url, final boolean ipv6, final long deadlineNs)
        throws IOException
    {
        final String path = null == url.getRawPath() || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        final String target = null == url.getRawQuery() ? path : path + "?" + url.getRawQuery();
        final String hostHeader = url.getPort() >= 0 ? url.getHost() + ":" + url.getPort() : url.getHost();
        final String request =
            "GET " + target + " HTTP/1.1\r\n" +
            "Host: " + hostHeader + "\r\n" +
            "Accept: text/plain\r\n" +
            "User-Agent: mtg-jvm\r\n" +
            "Connection: close\r\n" +
            "\r\n";
        socket.setSoTimeout(remainingMs(deadlineNs));
        final OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();

        final byte[] body = new ResponseReader(socket, deadlineNs).readOkBody();
        return IpLiteral.parse(new String(body, StandardCharsets.ISO_8859_1).trim(), ipv6);
    }

    private static Socket startTls(final Socket socket, final String host, final int port, final long deadlineNs)
        throws IOException
    {
        final SSLSocketFactory factory = (SSLSocketFactory)SSLSocketFactory.getDefault();
        final SSLSocket tls = (SSLSocket)factory.createSocket(socket, host, port, true);
        try
        {
            final SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (null == IpLiteral.parse(host, false) && null == IpLiteral.parse(host, true))
            {
                parameters.setServerNames(List.of(new SNIHostName(host))); // RFC 6066: never for IP literals
            }
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(remainingMs(deadlineNs));
            tls.startHandshake();
            return tls;
        }
        catch (final IOException | RuntimeException ex)
        {
            closeQuietly(tls);
            throw ex;
        }
    }

    private static int remainingMs(final long deadlineNs) throws SocketTimeoutException
    {
        final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
        if (remainingMs <= 0)
        {
            throw new SocketTimeoutException("timed out");
        }
        return (int)Math.min(Integer.MAX_VALUE, remainingMs);
    }

    private static String stripBrackets(final String host)
    {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void logFailure(final URI url, final String family, final String reason)
    {
        LOG.log(System.Logger.Level.DEBUG, "public ip detection failed url={0} family={1} error={2}", url, family,
            reason);
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // nothing left to do with it
        }
    }
}
