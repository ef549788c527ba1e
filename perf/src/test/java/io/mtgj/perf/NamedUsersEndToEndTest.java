package io.mtgj.perf;

import io.mtgj.config.UsersSettings;
import io.mtgj.net.RejectReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named users on one port ({@code --secrets FILE}): real clients of every mode, each served under the secret it
 * proves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamedUsersEndToEndTest
{
    private static final int TIMEOUT_MS = 10_000;
    private final Random random = new Random(15);
    private final Secret alice = Secret.generate(SecretMode.FAKE_TLS, "alice.example.com", random);
    private final Secret bob = Secret.generate(SecretMode.SECURED, null, random);
    private final Secret kiosk = Secret.generate(SecretMode.SIMPLE, null, random);
    private final Secret carol = Secret.generate(SecretMode.FAKE_TLS, "carol.example.com", random);

    @TempDir
    Path dir;

    @Test
    void shouldServeEveryModeOnOnePort() throws Exception
    {
        final Path file = dir.resolve("secrets.txt");
        Files.writeString(file, "# users\nalice " + alice.toHex() + " max-connections=2\nbob " + bob.toHex() +
            "\nkiosk " + kiosk.toHex() + "\ncarol " + carol.toHex() + "\n");
        try (ProxyFixture fixture = ProxyFixture.start(alice, b -> b.users(new UsersSettings(file, null))))
        {
            for (final Secret secret : new Secret[] {alice, bob, kiosk, carol})
            {
                try (ClientConnection client = ClientConnection.connect(fixture.address(), secret,
                    ProtocolTag.INTERMEDIATE, (short)2, random, TIMEOUT_MS))
                {
                    final byte[] payload = new byte[64];
                    random.nextBytes(payload);
                    client.echo(payload);
                }
            }
            fixture.awaitQuiet();
            assertEquals(4, fixture.proxy.handshakes());
            assertEquals(0, fixture.proxy.crashes());
            assertEquals(0, fixture.proxy.rejected(RejectReason.USER_CONNECTION_LIMIT));
            assertTrue(fixture.proxy.users().accounts().get(0).ingressBytes() > 64);
        }
    }
}
