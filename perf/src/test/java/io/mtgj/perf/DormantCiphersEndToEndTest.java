package io.mtgj.perf;

import io.mtgj.net.CloseReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A relay that falls silent lets its ciphers sleep (a quarter of the idle timeout, here 0.5 s) and picks the same
 * keystreams up again when bytes come: every echo after a silence arrives intact, in every mode.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DormantCiphersEndToEndTest
{
    private static final int TIMEOUT_MS = 10_000;
    private static final int SILENCE_MS = 1_200;

    @ParameterizedTest
    @EnumSource(SecretMode.class)
    void shouldRelayIntactAcrossSilencesLongEnoughForTheCiphersToSleep(final SecretMode mode) throws Exception
    {
        final Random random = new Random(2024 + mode.ordinal());
        final Secret secret = Secret.generate(mode, SecretMode.FAKE_TLS == mode ? "example.com" : null, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.idleTimeoutMs(2_000)))
        {
            final ProtocolTag tag = SecretMode.SECURED == mode ? ProtocolTag.PADDED_INTERMEDIATE :
                ProtocolTag.INTERMEDIATE;
            try (ClientConnection client = ClientConnection.connect(fixture.address(), secret, tag, (short)2, random,
                TIMEOUT_MS))
            {
                for (int round = 0; round < 3; round++)
                {
                    // whole words (the transports' unit) but not whole blocks: each silence falls inside a block
                    final int length = (1_000 + random.nextInt(3_000)) & ~15 | 4;
                    final byte[] payload = new byte[length];
                    random.nextBytes(payload);
                    client.send(payload);
                    // padded intermediate may add up to 3 bytes of padding
                    assertArrayEquals(payload, java.util.Arrays.copyOf(client.receive(), length), "round " + round);
                    Thread.sleep(SILENCE_MS);
                }
            }
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.closed(CloseReason.IDLE_TIMEOUT));
            assertEquals(0, fixture.proxy.crashes());
        }
    }
}
