package io.mtgj.perf;

import io.mtgj.cli.ConsoleLoggerFinder;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the console log shows of real traffic: at -v exactly one line per client connection event, at -d the
 * protocol's steps, and at any level never the secret, its key or a client's handshake bytes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoggingEndToEndTest
{
    private static final int TIMEOUT_MS = 10_000;
    private static final String SESSION_DEBUG = " DEBUG io.mtgj.session ";

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void capture()
    {
        assertInstanceOf(ConsoleLoggerFinder.class, System.LoggerFinder.getLoggerFinder());
        ConsoleLoggerFinder.output(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore()
    {
        ConsoleLoggerFinder.output(null);
        ConsoleLoggerFinder.threshold(System.Logger.Level.INFO);
    }

    private String log()
    {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldLogOneLineWhenEachClientComesAndOneWhenItGoes() throws Exception
    {
        ConsoleLoggerFinder.threshold(System.Logger.Level.DEBUG);
        final Random random = new Random(71);
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        final int clients = 5;
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            for (int i = 0; i < clients; i++)
            {
                try (TestClient client = TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE,
                    (short)2, random, TIMEOUT_MS))
                {
                    for (int p = 0; p < 20; p++)
                    {
                        final byte[] payload = new byte[100 + p];
                        random.nextBytes(payload);
                        client.send(payload);
                        assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length));
                    }
                }
            }
            fixture.awaitQuiet();
        }

        final List<String> session = linesWith(SESSION_DEBUG);
        assertEquals(2 * clients, session.size(), "one line per connection event, none per packet:\n" + log());
        // --log-client-ip truncate, the default: the network, never the whole address
        assertEquals(clients, linesWith(SESSION_DEBUG + "client opened client=127.0.0.0/24:").size(), log());
        assertTrue(linesWith("client=127.0.0.1").isEmpty(), "no whole client address:\n" + log());
        final List<String> closed = linesWith(SESSION_DEBUG + "client closed client=127.0.0.0/24:");
        assertEquals(clients, closed.size(), log());
        for (final String line : closed)
        {
            for (final String field : new String[] {" dc=2 ", " cloaked=false ", " reason=", " handshake_failure=none ",
                " bytes_from_client=", " bytes_to_client=", " ms="})
            {
                assertTrue(line.contains(field), field + " in " + line);
            }
        }
        assertTrue(linesWith(" TRACE ").isEmpty(), "no protocol detail at -v");
    }

    @Test
    void shouldNeverLogTheSecretItsKeyOrHandshakeBytesEvenAtTrace() throws Exception
    {
        ConsoleLoggerFinder.threshold(System.Logger.Level.TRACE);
        final Random random = new Random(72);
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random);
        final List<byte[]> handshakeBytes = new ArrayList<>();
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = ProxyFixture.start(secret, b -> b
                .cloakHost(cloak.address().getAddress().getHostAddress()).cloakPort(cloak.address().getPort())))
        {
            for (int i = 0; i < 3; i++)
            {
                try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                    TIMEOUT_MS, System.currentTimeMillis() / 1000))
                {
                    handshakeBytes.add(client.clientHello().clientRandom());
                    handshakeBytes.add(client.serverHelloBytes());
                    for (int p = 0; p < 5; p++)
                    {
                        final byte[] payload = new byte[64 + p];
                        random.nextBytes(payload);
                        client.send(payload);
                        assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length));
                    }
                }
            }
            final byte[] probe = ClientHelloBuilder.forSecret(secret, System.currentTimeMillis() / 1000, random)
                .buildWithBadDigest().wire();
            try (Socket socket = new Socket())
            {
                socket.setSoTimeout(TIMEOUT_MS);
                socket.connect(fixture.address(), TIMEOUT_MS);
                socket.getOutputStream().write(probe);
                final InputStream in = socket.getInputStream();
                assertArrayEquals(CloakServer.BANNER, in.readNBytes(CloakServer.BANNER.length));
            }
            handshakeBytes.add(Arrays.copyOfRange(probe, ClientHelloBuilder.RANDOM_OFFSET,
                ClientHelloBuilder.RANDOM_OFFSET + ClientHelloBuilder.RANDOM_LENGTH));
            fixture.awaitQuiet();
        }

        final String log = log();
        assertFalse(linesWith(" TRACE io.mtgj.session handshake ").isEmpty(), "handshake results at -d:\n" + log);
        assertFalse(linesWith(" TRACE io.mtgj.session dial ").isEmpty(), "dial attempts at -d:\n" + log);
        assertFalse(linesWith(" TRACE io.mtgj.session cloaking ").isEmpty(), log);
        assertEquals(4, linesWith(SESSION_DEBUG + "client closed ").size(), log);
        final List<String> forbidden = new ArrayList<>();
        forbidden.add(secret.toHex());
        forbidden.add(secret.toBase64Url());
        forbidden.add(Base64.getEncoder().encodeToString(secret.toBytes()));
        forbidden.add(Hex.encode(secret.key()));
        forbidden.add(Base64.getEncoder().encodeToString(secret.key()));
        forbidden.add(Arrays.toString(secret.key()));
        for (final byte[] bytes : handshakeBytes)
        {
            forbidden.add(Hex.encode(Arrays.copyOf(bytes, 16)));
            forbidden.add(Arrays.toString(Arrays.copyOf(bytes, 8)).replace("]", ""));
        }
        final String lowerLog = log.toLowerCase(Locale.ROOT);
        for (final String secretText : forbidden)
        {
            assertFalse(lowerLog.contains(secretText.toLowerCase(Locale.ROOT)), "'" + secretText + "' logged");
        }
    }

    private List<String> linesWith(final String text)
    {
        final List<String> lines = new ArrayList<>();
        for (final String line : log().split("\\R"))
        {
            if (line.contains(text))
            {
                lines.add(line);
            }
        }
        return lines;
    }
}
