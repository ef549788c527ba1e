package io.mtgj.diagnose;

import io.mtgj.config.HostPort;
import io.mtgj.faketls.ServerHelloShape;
import io.mtgj.publicip.IpLiteral;
import io.mtgj.tlsshape.ShapeLearner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The cloak host (protocol.md 6) over TLS with the JDK's client: every prober who is not a client ends up talking
 * to it, and every passive observer can fetch it, so it must answer as the proxy's FakeTLS answer claims to: in TLS
 * 1.3 (protocol.md 4.5). FAIL when it cannot be reached or does not negotiate TLS 1.3; WARN when its certificate
 * is expired or near expiry, not trusted by the JDK's CA store, or not for the secret's hostname, since a real site
 * would not look like that. Prints what JSSE saw: protocol, cipher suite, certificate subject, issuer and expiry.
 */
public final class CloakTlsCheck implements Check
{
    /** A certificate expiring sooner than this is worth a warning. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private static final String NAME = "cloak";
    private static final String SHAPE_NAME = "cloak shape";
    private static final String TLS_13 = "TLSv1.3";
    private static final String TLS_12 = "TLSv1.2";

    private final String serverName;
    private final String host;
    private final int port;
    private final int timeoutMs;

    /**
     * @param serverName the SNI to send: the secret's hostname.
     * @param host       where to connect ({@code --cloak-host}, else the secret's hostname).
     * @param port       its port ({@code --cloak-port}).
     * @param timeoutMs  time allowed to connect, and then for the handshake.
     */
    public CloakTlsCheck(final String serverName, final String host, final int port, final int timeoutMs)
    {
        this.serverName = serverName;
        this.host = host;
        this.port = port;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    /**
     * Two findings: the host's TLS (protocol, cipher, certificate) through the JDK's client, and the shape of its
     * answer as the proxy learns it ({@code cloak shape}), each from its own connection.
     */
    @Override
    public List<Finding> run() throws GeneralSecurityException
    {
        return List.of(handshake(), shape());
    }

    private Finding handshake() throws GeneralSecurityException
    {
        final String where = new HostPort(host, port).toString();
        final Capture capture = new Capture();
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {capture}, null);
        final long startNs = System.nanoTime();
        final SSLSession session;
        try (Socket plain = new Socket())
        {
            plain.connect(new InetSocketAddress(host, port), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            try (SSLSocket tls = (SSLSocket)context.getSocketFactory().createSocket(plain, serverName, port, false))
            {
                final SSLParameters parameters = tls.getSSLParameters();
                parameters.setProtocols(new String[] {TLS_13, TLS_12});
                if (null == IpLiteral.parse(serverName, false) && null == IpLiteral.parse(serverName, true))
                {
                    parameters.setServerNames(List.of(new SNIHostName(serverName)));
                }
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                session = tls.getSession();
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return Finding.fail(NAME, where + " (SNI " + serverName + "): " + ex,
                "probers and clients that fail the handshake get nothing where a web site should answer: pick a " +
                "cloak host that serves HTTPS (--cloak-host/--cloak-port, or a secret for another host)");
        }
        final long handshakeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final StringBuilder found = new StringBuilder(256).append(where).append(" (SNI ").append(serverName)
            .append(") ").append(session.getProtocol()).append(' ').append(session.getCipherSuite())
            .append(" in ").append(handshakeMs).append(" ms");
        final X509Certificate[] chain = capture.chain;
        if (null == chain || 0 == chain.length)
        {
            return Finding.warn(NAME, found.append(", no certificate").toString(),
                "a web site shows a certificate: pick another cloak host");
        }
        final X509Certificate leaf = chain[0];
        final Instant notAfter = leaf.getNotAfter().toInstant();
        final long daysLeft = Duration.between(Instant.now(), notAfter).toDays();
        found.append(", certificate ").append(leaf.getSubjectX500Principal().getName())
            .append(" issued by ").append(leaf.getIssuerX500Principal().getName())
            .append(", expires ").append(LocalDate.ofInstant(notAfter, ZoneOffset.UTC))
            .append(" (").append(daysLeft).append(" days)");

        if (!TLS_13.equals(session.getProtocol()))
        {
            return Finding.fail(NAME, found.toString(), "the proxy answers clients in TLS 1.3, the host in " +
                session.getProtocol() + ": anyone comparing the two tells them apart; pick a host that speaks " +
                "TLS 1.3");
        }
        final List<String> problems = new ArrayList<>();
        if (notAfter.isBefore(Instant.now()))
        {
            problems.add("the certificate has expired");
        }
        else if (notAfter.isBefore(Instant.now().plus(EXPIRY_WARNING)))
        {
            problems.add("the certificate expires within " + EXPIRY_WARNING.toDays() + " days");
        }
        if (!coversName(leaf, serverName))
        {
            problems.add("the certificate is not for " + serverName);
        }
        final String untrusted = trustProblem(chain, capture.authType);
        if (null != untrusted)
        {
            problems.add("the JDK's CA store does not trust it (" + untrusted + ")");
        }
        if (!problems.isEmpty())
        {
            return Finding.warn(NAME, found.toString(), String.join("; ", problems) +
                ": a site browsers refuse stands out; prefer a popular host with a valid certificate");
        }
        return Finding.ok(NAME, found.toString());
    }

    /**
     * What the proxy learns from the host to shape its FakeTLS answer, by the proxy's own learner: without it the
     * proxy keeps its built-in answer, which an observer comparing with the real site can tell apart.
     */
    private Finding shape()
    {
        final String where = new HostPort(host, port).toString();
        try
        {
            final ServerHelloShape shape = ShapeLearner.learnOnce(new InetSocketAddress(host, port), serverName,
                timeoutMs);
            return Finding.ok(SHAPE_NAME, where + " answers " + shape.describe() + "; the proxy's FakeTLS answer " +
                "follows it");
        }
        catch (final IOException | RuntimeException ex)
        {
            return Finding.warn(SHAPE_NAME, where + " (SNI " + serverName + "): no shape learned: " + ex.getMessage(),
                "the proxy keeps its built-in answer, which differs from the real site's: pick a cloak host that " +
                "speaks TLS 1.3 (--cloak-host/--cloak-port, or a secret for another host)");
        }
    }

    private static String trustProblem(final X509Certificate[] chain, final String authType)
    {
        try
        {
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore)null);
            for (final TrustManager manager : factory.getTrustManagers())
            {
                if (manager instanceof X509TrustManager)
                {
                    ((X509TrustManager)manager).checkServerTrusted(chain, null == authType ? "UNKNOWN" : authType);
                    return null;
                }
            }
            return "no X.509 trust manager";
        }
        catch (final CertificateException ex)
        {
            Throwable cause = ex;
            while (null != cause.getCause())
            {
                cause = cause.getCause();
            }
            return String.valueOf(cause.getMessage());
        }
        catch (final GeneralSecurityException ex)
        {
            return ex.toString();
        }
    }

    /**
     * @return whether a DNS or IP subject alternative name of the certificate matches the name, with a wildcard
     *         standing for exactly one leftmost label (RFC 6125).
     */
    static boolean coversName(final X509Certificate certificate, final String name)
    {
        final Collection<List<?>> alternatives;
        try
        {
            alternatives = certificate.getSubjectAlternativeNames();
        }
        catch (final CertificateParsingException ex)
        {
            return false;
        }
        if (null == alternatives)
        {
            return false;
        }
        final String wanted = name.toLowerCase(Locale.ROOT);
        for (final List<?> alternative : alternatives)
        {
            final int type = (Integer)alternative.get(0);
            final String value = String.valueOf(alternative.get(1)).toLowerCase(Locale.ROOT);
            if (2 == type && matchesDnsName(value, wanted) || 7 == type && value.equals(wanted))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesDnsName(final String pattern, final String name)
    {
        if (pattern.startsWith("*."))
        {
            final int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(name);
    }

    /**
     * Accepts any chain and keeps it, so the check can show and judge a certificate the JDK would refuse.
     */
    private static final class Capture extends X509ExtendedTrustManager
    {
        private volatile X509Certificate[] chain;
        private volatile String authType;

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
            this.chain = chain.clone();
            this.authType = authType;
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
            throws CertificateException
        {
            throw new CertificateException("a client of the cloak host only");
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
            throws CertificateException
        {
            throw new CertificateException("a client of the cloak host only");
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
            throws CertificateException
        {
            throw new CertificateException("a client of the cloak host only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
