package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.HelloPolicy;
import io.mtgj.config.UnknownSni;
import io.mtgj.faketls.ClientHello;
import io.mtgj.net.ClientAccount;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.net.RejectReason;
import io.mtgj.net.Upstream;
import io.mtgj.net.UpstreamPlan;
import io.mtgj.obfuscated2.ClientHandshake;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many secrets on one port: each client is served under the secret it proves, in that secret's mode only, and its
 * account comes with it.
 */
@Timeout(20)
class SecretsModeTest
{
    /** mtg v2's snapshot hello (protocol.md 9.2 b) and its secret; see ClientHelloTest. */
    private static final String SNAPSHOT_HEX = "1603010200010001fc03035ef08f7376806c76e144bbf49149b2e817cf64e1afb2eb1e779" +
        "fc736c29710fb204add81676b873059f7076b6b0f58df76da63a0938e83a24178b84573208c0aae0034130313011302c02cc02bc024" +
        "c023c00ac009cca9c030c02fc028c027c014c013cca8009d009c003d003c0035002fc008c012000a0100017fff010001000000001b00" +
        "1900001673746f726167652e676f6f676c65617069732e636f6d00170000000d0018001604030804040105030203080508050501080" +
        "606010201000500050100000000337400000012000000100030002e0268320568322d31360568322d31350568322d313408737064" +
        "792f332e3106737064792f3308687474702f312e31000b00020100003300260024001d002007fee82f1f491252002ec2c94bdd47d9" +
        "03725351f4a2c2b02147a556776c2f22002d00020101002b0009080304030303020301000a000a0008001d001700180019001500a1";
    private static final Secret SNAPSHOT_SECRET =
        Secret.parse("ee367a189aee18fa31c190054efd4a8e9573746f726167652e676f6f676c65617069732e636f6d");
    private static final String HOST = "storage.googleapis.com";
    private static final int USERS = 100;

    private final Random random = new Random(77);

    @Test
    void shouldFindTheFakeTlsSecretAmongManyOnTheSameHost() throws Exception
    {
        final byte[] hello = snapshot();
        final List<Credential> credentials = new ArrayList<>();
        for (int i = 0; i < USERS; i++)
        {
            credentials.add(new Credential(Secret.generate(SecretMode.FAKE_TLS, HOST, random), new Counting()));
        }
        final Counting owner = new Counting();
        credentials.add(USERS / 2, new Credential(SNAPSHOT_SECRET, owner));
        final SecretsMode mode = new SecretsMode(credentials, Map.of(), 5_000, () -> helloTimeMs(hello),
            AntiReplayCache.create(1 << 20));
        final InetAddress from = InetAddress.getByName("10.1.2.3");

        final HandshakeResult reply = mode.onFirstBytes(new UnsafeBuffer(hello), hello.length, from);

        assertSame(HandshakeResult.Kind.REPLY, reply.kind());
        assertEquals(hello.length, reply.consumed());
        // The frame that follows is checked with the proven secret's key, and the account comes with it.
        final byte[] frame = ClientHandshake.create(random, SNAPSHOT_SECRET.key(),
            ProtocolTag.PADDED_INTERMEDIATE.wire(), (short)2).wireFrame();
        final HandshakeResult accepted = reply.next().onFrame(new UnsafeBuffer(frame), 0, frame.length);
        assertTrue(accepted.isAccepted());
        assertSame(owner, accepted.account());
        // The same hello again is a replay, put down to its user.
        final HandshakeResult replay = mode.onFirstBytes(new UnsafeBuffer(hello), hello.length, from);
        assertSame(HandshakeFailure.REPLAY, replay.failure());
        assertEquals(1, owner.failures.get(HandshakeFailure.REPLAY));
        assertTrue(mode.cloaksFailures());
    }

    @Test
    void shouldCloakAHelloForAnotherHostOrKeyToTheHostItNames() throws Exception
    {
        final byte[] hello = snapshot();
        final Upstream snapshotHost = client -> new UpstreamPlan(List.of(), null, null, null);
        final Secret otherKey = Secret.generate(SecretMode.FAKE_TLS, HOST, random);
        final Secret otherHost = Secret.parse("ee" + Hex.encode(SNAPSHOT_SECRET.key()) + Hex.encode("a.example".getBytes()));
        final SecretsMode mode = new SecretsMode(List.of(new Credential(otherKey, null),
            new Credential(otherHost, null)), Map.of(HOST, snapshotHost), 5_000, () -> helloTimeMs(hello), null);

        final HandshakeResult result = mode.onFirstBytes(new UnsafeBuffer(hello), hello.length, null);

        assertSame(HandshakeResult.Kind.CLOAK, result.kind());
        assertSame(HandshakeFailure.BAD_DIGEST, result.failure());
        assertSame(snapshotHost, result.cloakTarget(), "fronted to the host its SNI names");

        final SecretsMode noSuchHost = new SecretsMode(List.of(new Credential(otherHost, null)),
            Map.of(), 5_000, () -> helloTimeMs(hello), null);
        final HandshakeResult unknown = noSuchHost.onFirstBytes(new UnsafeBuffer(hello), hello.length, null);
        assertSame(HandshakeFailure.BAD_SNI, unknown.failure());
        assertNull(unknown.cloakTarget(), "an SNI no secret names goes to the proxy's own cloak host");
    }

    @Test
    void shouldAcceptAHelloAtEitherEdgeOfTheWindowAndRefuseOneSecondBeyond() throws Exception
    {
        final byte[] hello = snapshot();
        final long helloMs = helloTimeMs(hello);
        final HelloPolicy policy = new HelloPolicy(ClockWindow.parse("10m,30s"), UnknownSni.CLOAK);

        // our clock 10 minutes after the hello's: the client is exactly PAST behind, then a second more
        assertAnswered(judge(hello, policy, helloMs + 600_000), -600);
        assertAnswered(judge(hello, policy, helloMs + 600_999), -600); // our clock is read in whole seconds
        assertRefusedForTime(judge(hello, policy, helloMs + 601_000), -601);
        // our clock 30 s before the hello's: the client is exactly FUTURE ahead, then a second more
        assertAnswered(judge(hello, policy, helloMs - 30_000), 30);
        assertRefusedForTime(judge(hello, policy, helloMs - 31_000), 31);
        assertRefusedForTime(judge(hello, policy, helloMs - 600_000), 600);
    }

    @Test
    void shouldAcceptPhonesMinutesOffUnderTheDefaultWindow() throws Exception
    {
        final byte[] hello = snapshot();
        final long helloMs = helloTimeMs(hello);

        assertAnswered(judge(hello, HelloPolicy.DEFAULT, helloMs + 4_000), -4);
        assertAnswered(judge(hello, HelloPolicy.DEFAULT, helloMs + 120_000), -120);
        assertAnswered(judge(hello, HelloPolicy.DEFAULT, helloMs - 120_000), 120);
        assertRefusedForTime(judge(hello, HelloPolicy.DEFAULT, helloMs + 601_000), -601);
        assertRefusedForTime(judge(hello, HelloPolicy.DEFAULT, helloMs - 121_000), 121);
    }

    @Test
    void shouldResetAHelloNamingNoSecretsHostWhenAskedAndFrontItOtherwise() throws Exception
    {
        final byte[] hello = snapshot();
        final Secret otherHost = Secret.parse("ee" + Hex.encode(SNAPSHOT_SECRET.key()) + Hex.encode("a.example".getBytes()));
        final Upstream aHost = (result) -> null;
        final Map<String, Upstream> cloakHosts = Map.of("a.example", aHost);
        final HelloPolicy reset = new HelloPolicy(ClockWindow.DEFAULT, UnknownSni.RESET);

        final HandshakeResult refused = new SecretsMode(List.of(new Credential(otherHost, null)), cloakHosts, reset,
            () -> helloTimeMs(hello), null).onFirstBytes(new UnsafeBuffer(hello), hello.length, null);
        assertSame(HandshakeResult.Kind.REJECTED, refused.kind());
        assertSame(HandshakeFailure.BAD_SNI, refused.failure());
        assertSame(RejectReason.UNKNOWN_SNI, refused.resetReason());

        final HandshakeResult fronted = new SecretsMode(List.of(new Credential(otherHost, null)), cloakHosts,
            HelloPolicy.DEFAULT, () -> helloTimeMs(hello), null)
            .onFirstBytes(new UnsafeBuffer(hello), hello.length, null);
        assertSame(HandshakeResult.Kind.CLOAK, fronted.kind());
        assertSame(HandshakeFailure.BAD_SNI, fronted.failure());
        assertNull(fronted.cloakTarget(), "the proxy's own cloak host, never the host the stranger names");
        assertNull(fronted.resetReason());

        final HandshakeResult ours = new SecretsMode(List.of(new Credential(SNAPSHOT_SECRET, null)), Map.of(), reset,
            () -> helloTimeMs(hello), null).onFirstBytes(new UnsafeBuffer(hello), hello.length, null);
        assertSame(HandshakeResult.Kind.REPLY, ours.kind(), "the policy never touches our own clients");
    }

    private static HandshakeResult judge(final byte[] hello, final HelloPolicy policy, final long nowMs)
    {
        return new SecretsMode(List.of(new Credential(SNAPSHOT_SECRET, null)), Map.of(), policy, () -> nowMs, null)
            .onFirstBytes(new UnsafeBuffer(hello), hello.length, null);
    }

    private static void assertAnswered(final HandshakeResult result, final long skewSeconds)
    {
        assertSame(HandshakeResult.Kind.REPLY, result.kind(), "skew " + skewSeconds);
        assertEquals(skewSeconds, result.clockSkewSeconds());
    }

    private static void assertRefusedForTime(final HandshakeResult result, final long skewSeconds)
    {
        assertSame(HandshakeResult.Kind.CLOAK, result.kind(), "skew " + skewSeconds);
        assertSame(HandshakeFailure.BAD_TIME, result.failure());
        assertEquals(skewSeconds, result.clockSkewSeconds());
    }

    @Test
    void shouldRefuseAStaleHelloAndCountItForItsUser() throws Exception
    {
        final byte[] hello = snapshot();
        final Counting owner = new Counting();
        final SecretsMode mode = new SecretsMode(List.of(new Credential(SNAPSHOT_SECRET, owner)), Map.of(), 5_000,
            () -> helloTimeMs(hello) + 6_000, null);

        final HandshakeResult result = mode.onFirstBytes(new UnsafeBuffer(hello), hello.length, null);

        assertSame(HandshakeFailure.BAD_TIME, result.failure());
        assertEquals(1, owner.failures.get(HandshakeFailure.BAD_TIME));
    }

    @Test
    void shouldFindTheObfuscated2SecretAmongManyAndRememberItsAddress() throws Exception
    {
        final List<Credential> credentials = new ArrayList<>();
        final List<Counting> accounts = new ArrayList<>();
        for (int i = 0; i < USERS; i++)
        {
            final Counting account = new Counting();
            accounts.add(account);
            credentials.add(new Credential(Secret.generate(i % 2 == 0 ? SecretMode.SIMPLE : SecretMode.SECURED, null,
                random), account));
        }
        final SecretsMode mode = new SecretsMode(credentials, Map.of(), 5_000, () -> 0L,
            AntiReplayCache.create(1 << 20));
        final InetAddress from = InetAddress.getByName("10.9.8.7");
        for (final int user : new int[] {0, 57, 99, 57})
        {
            final byte[] frame = frame(credentials.get(user).secret(), ProtocolTag.PADDED_INTERMEDIATE);

            final HandshakeResult result = mode.onFirstBytes(new UnsafeBuffer(frame), frame.length, from);

            assertTrue(result.isAccepted(), "user " + user);
            assertSame(accounts.get(user), result.account());
            assertEquals(HandshakeFrame.LENGTH, result.consumed());
        }
        // A secured user's key with another transport: refused, and put down to that user.
        final byte[] intermediate = frame(credentials.get(1).secret(), ProtocolTag.INTERMEDIATE);
        final HandshakeResult refused = mode.onFirstBytes(new UnsafeBuffer(intermediate), intermediate.length, from);
        assertSame(HandshakeFailure.NOT_OURS, refused.failure());
        assertEquals(1, accounts.get(1).failures.get(HandshakeFailure.NOT_OURS));
        assertFalse(mode.cloaksFailures());
    }

    @Test
    void shouldServeEachModeOnOnePortAndOnlyInItsMode() throws Exception
    {
        final byte[] hello = snapshot();
        final Secret simple = Secret.generate(SecretMode.SIMPLE, null, random);
        final Secret tlsOther = Secret.generate(SecretMode.FAKE_TLS, "b.example", random);
        final SecretsMode mode = new SecretsMode(List.of(new Credential(simple, null),
            new Credential(SNAPSHOT_SECRET, null), new Credential(tlsOther, null)), Map.of(), 5_000,
            () -> helloTimeMs(hello), AntiReplayCache.create(1 << 20));

        assertSame(HandshakeResult.Kind.REPLY,
            mode.onFirstBytes(new UnsafeBuffer(hello), hello.length, null).kind());
        byte[] frame = frame(simple, ProtocolTag.ABRIDGED);
        while (0x16 == frame[0])
        {
            frame = frame(simple, ProtocolTag.ABRIDGED);
        }
        assertTrue(mode.onFirstBytes(new UnsafeBuffer(frame), frame.length, null).isAccepted());
        // A FakeTLS secret's key does not open an obfuscated2 stream: a stranger, fronted like one.
        byte[] tlsKeyFrame = ClientHandshake.create(random, tlsOther.key(), ProtocolTag.ABRIDGED.wire(), (short)2)
            .wireFrame();
        while (0x16 == tlsKeyFrame[0])
        {
            tlsKeyFrame = ClientHandshake.create(random, tlsOther.key(), ProtocolTag.ABRIDGED.wire(), (short)2)
                .wireFrame();
        }
        final HandshakeResult stranger = mode.onFirstBytes(new UnsafeBuffer(tlsKeyFrame), tlsKeyFrame.length, null);
        assertSame(HandshakeResult.Kind.CLOAK, stranger.kind());
        assertSame(HandshakeFailure.NOT_TLS, stranger.failure());
        // Short of a frame and not TLS: wait for the rest.
        assertSame(HandshakeResult.NEED_MORE, mode.onFirstBytes(new UnsafeBuffer(frame), 63, null));
    }

    @Test
    void shouldServeTheNewSecretsAfterAnUpdate() throws Exception
    {
        final Secret first = Secret.generate(SecretMode.SIMPLE, null, random);
        final Secret second = Secret.generate(SecretMode.SIMPLE, null, random);
        final SecretsMode mode = new SecretsMode(List.of(new Credential(first, null)), Map.of(), 5_000, () -> 0L,
            null);
        final InetAddress from = InetAddress.getByName("10.0.0.1");
        final byte[] frame = frame(first, ProtocolTag.ABRIDGED);
        assertTrue(mode.onFirstBytes(new UnsafeBuffer(frame), frame.length, from).isAccepted());

        mode.update(List.of(new Credential(second, null), new Credential(Secret.generate(SecretMode.SIMPLE, null,
            random), null)), Map.of());

        final byte[] again = frame(first, ProtocolTag.ABRIDGED);
        assertSame(HandshakeResult.Kind.REJECTED,
            mode.onFirstBytes(new UnsafeBuffer(again), again.length, from).kind(), "a removed secret is refused");
        final byte[] other = frame(second, ProtocolTag.ABRIDGED);
        assertTrue(mode.onFirstBytes(new UnsafeBuffer(other), other.length, from).isAccepted());
    }

    private byte[] frame(final Secret secret, final ProtocolTag tag)
    {
        return ClientHandshake.create(random, secret.key(), tag.wire(), (short)2).wireFrame();
    }

    private static byte[] snapshot()
    {
        final byte[] head = Hex.decode(SNAPSHOT_HEX);
        return Arrays.copyOf(head, head.length + 161);
    }

    private static long helloTimeMs(final byte[] hello)
    {
        final ClientHello parsed = ClientHello.parse(hello, hello.length);
        return parsed.provenTime(SNAPSHOT_SECRET.key()) * 1000;
    }

    /** An account that admits everyone and counts the failures put down to it. */
    private static final class Counting implements ClientAccount
    {
        final Map<HandshakeFailure, Integer> failures = new EnumMap<>(HandshakeFailure.class);

        @Override
        public RejectReason admit()
        {
            return null;
        }

        @Override
        public void release()
        {
        }

        @Override
        public void addIngress(final long bytes)
        {
        }

        @Override
        public void addEgress(final long bytes)
        {
        }

        @Override
        public void onFailedHandshake(final HandshakeFailure failure)
        {
            failures.merge(failure, 1, Integer::sum);
        }
    }
}
