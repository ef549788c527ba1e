package io.mtgj.perf;

import io.mtgj.perf.UserSecrets.User;
import io.mtgj.perf.UserSecrets.Variant;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mtg-perf users-bench}: the secrets file it writes, the source address of each user, its options and
 * arithmetic, and one tiny run (1 and 5 users, 2 s phases) against this project's proxy, the cli module started
 * through a stand-in for the image's {@code bin/mtg}, so it needs no built image.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UsersBenchTest
{
    @TempDir
    Path temp;

    private static UsersBenchSettings parse(final String... args) throws ParseException
    {
        return UsersBenchSettings.from(DefaultParser.builder().setAllowPartialMatching(false).get()
            .parse(UsersBenchSettings.options(), args));
    }

    @Test
    void shouldMakeTheSameUsersFromTheSameSeedWhateverTheirNumber()
    {
        final List<User> few = UserSecrets.generate(Variant.ONE_HOST, 3, 15);
        final List<User> many = UserSecrets.generate(Variant.ONE_HOST, 1000, 15);
        assertEquals(3, few.size());
        assertEquals(1000, many.size());
        assertEquals(few, many.subList(0, 3));
        assertEquals(List.of("u00000", "u00001", "u00002"), List.of(few.get(0).name(), few.get(1).name(),
            few.get(2).name()));
        assertEquals("u00999", many.get(999).name());
        assertEquals("u123456", UserSecrets.name(123_456));
        final Set<String> keys = new HashSet<>();
        for (final User user : many)
        {
            assertEquals(SecretMode.FAKE_TLS, user.secret().mode());
            assertEquals(UserSecrets.ONE_HOST, user.secret().host());
            keys.add(Hex.encode(user.secret().key()));
        }
        assertEquals(1000, keys.size(), "every user has a key of its own");
        assertNotEquals(few.get(0), UserSecrets.generate(Variant.ONE_HOST, 1, 16).get(0));
        assertThrows(IllegalArgumentException.class, () -> UserSecrets.generate(Variant.ONE_HOST, 0, 15));
    }

    @Test
    void shouldGiveEachVariantItsSecrets()
    {
        final User own = UserSecrets.generate(Variant.OWN_HOST, 43, 15).get(42);
        assertEquals(SecretMode.FAKE_TLS, own.secret().mode());
        assertEquals(SourceAddresses.text(42), own.secret().host());
        assertEquals(SourceAddresses.text(10_000), UserSecrets.host(Variant.OWN_HOST, 10_000));
        final User secured = UserSecrets.generate(Variant.SECURED, 1, 15).get(0);
        assertEquals(SecretMode.SECURED, secured.secret().mode());
        assertNull(secured.secret().host());
        assertEquals(Variant.OWN_HOST, Variant.fromCliName(" Own-Host"));
        assertThrows(IllegalArgumentException.class, () -> Variant.fromCliName("simple"));
    }

    @Test
    void shouldWriteOneUserALineAsTheProxyReadsThem() throws IOException
    {
        final List<User> users = UserSecrets.generate(Variant.ONE_HOST, 2, 15);
        final Path file = UserSecrets.write(temp.resolve("users.txt"), Variant.ONE_HOST, users, 15);
        final List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertEquals(3, lines.size());
        assertEquals("# mtg-perf users-bench: 2 FakeTLS users, all on 127.0.0.1, seed 15", lines.get(0));
        for (int i = 0; i < users.size(); i++)
        {
            final String[] fields = lines.get(i + 1).split(" ");
            assertEquals(2, fields.length);
            assertEquals(users.get(i).name(), fields[0]);
            // ee, the 16-byte key, then the host's ASCII bytes, in hex.
            assertTrue(fields[1].matches("ee[0-9a-f]{32}" + Hex.encode(
                UserSecrets.ONE_HOST.getBytes(StandardCharsets.US_ASCII))), fields[1]);
            assertEquals(users.get(i).secret(), Secret.parse(fields[1]));
        }
        final String secured = UserSecrets.fileText(Variant.SECURED, UserSecrets.generate(Variant.SECURED, 1, 15), 15);
        assertTrue(secured.split("\n")[1].matches("u00000 dd[0-9a-f]{32}"), secured);
    }

    @Test
    void shouldGiveEveryUserALoopbackAddressOfItsOwn() throws Exception
    {
        final BitSet seen = new BitSet(1 << 24);
        for (int i = 0; i < SourceAddresses.MAX_USERS; i++)
        {
            final byte[] octets = SourceAddresses.octets(i);
            final int value = (octets[1] & 0xff) << 16 | (octets[2] & 0xff) << 8 | (octets[3] & 0xff);
            assertEquals(127, octets[0]);
            assertTrue(value >= 1 << 16 && value != (1 << 24) - 1, () -> SourceAddresses.text(value));
            assertFalse(seen.get(value), () -> "two users on " + SourceAddresses.text(value));
            seen.set(value);
        }
        assertEquals(SourceAddresses.MAX_USERS, seen.cardinality());
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.octets(-1));
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.octets(SourceAddresses.MAX_USERS));
        assertEquals(InetAddress.getByAddress(SourceAddresses.octets(42)), SourceAddresses.forUser(42));
        assertTrue(SourceAddresses.forUser(42).isLoopbackAddress());
        assertEquals(SourceAddresses.forUser(10_000), InetAddress.getByName(SourceAddresses.text(10_000)));
        assertEquals(InetAddress.getByName("127.0.0.1"), SourceAddresses.shared());
    }

    @Test
    void shouldScatterConsecutiveUsersAsUnrelatedClientsAre()
    {
        int neighbours = 0;
        int sameSlash16 = 0;
        for (int i = 0; i < 10_000; i++)
        {
            final byte[] a = SourceAddresses.octets(i);
            final byte[] b = SourceAddresses.octets(i + 1);
            neighbours += Math.abs((b[3] & 0xff) - (a[3] & 0xff)) <= 1 && a[2] == b[2] && a[1] == b[1] ? 1 : 0;
            sameSlash16 += a[1] == b[1] ? 1 : 0;
        }
        assertTrue(neighbours < 10, "consecutive users on neighbouring addresses: " + neighbours);
        assertTrue(sameSlash16 < 200, "consecutive users in one /16: " + sameSlash16);
    }

    @Test
    void shouldHandOutLocalPortsInTurnBelowTheEphemeralRange()
    {
        final int first = SourceAddresses.nextPort();
        int previous = first;
        for (int i = 0; i < 3 * (SourceAddresses.LAST_PORT - SourceAddresses.FIRST_PORT); i++)
        {
            final int port = SourceAddresses.nextPort();
            assertTrue(port >= SourceAddresses.FIRST_PORT && port <= SourceAddresses.LAST_PORT, () -> "port " + port);
            final int expected = SourceAddresses.LAST_PORT == previous ? SourceAddresses.FIRST_PORT : previous + 1;
            assertEquals(expected, port, () -> "in turn from " + first);
            previous = port;
        }
    }

    @Test
    void shouldDefaultToTheIssuesSizes() throws Exception
    {
        final UsersBenchSettings settings = parse();
        assertEquals(Path.of("jlink/target/image"), settings.image());
        assertEquals(List.of(1, 100, 10_000), settings.sizes());
        assertEquals(List.of(Variant.ONE_HOST, Variant.OWN_HOST, Variant.SECURED), settings.variants());
        assertTrue(settings.cold());
        assertEquals(8, settings.concurrency());
        assertEquals(12_000, settings.warmupVisits());
        assertEquals(60_000, settings.warmupLimitMs());
        assertEquals(300_000, settings.primeLimitMs());
        assertEquals(10_000, settings.durationMs());
        assertEquals(3, settings.runs());
        assertEquals(15, settings.seed());
        assertEquals(64, settings.packetLength());
        assertEquals(Path.of("perf/target/users-bench-logs"), settings.logs());
        assertEquals(List.of(), settings.proxyFlags());
        assertEquals(10_000, settings.maxSize());
    }

    @Test
    void shouldReadEveryOption() throws Exception
    {
        final UsersBenchSettings settings = parse("--image", "/opt/mtg", "--sizes", "1_000, 5,5", "--variants",
            "secured,one-host,secured", "--no-cold", "--concurrency", "2", "--warmup", "100", "--warmup-limit",
            "5s", "--prime-limit", "30s", "--duration", "2s", "--runs", "1", "--seed", "-7", "--packet", "128",
            "--logs", "/tmp/ub", "--proxy-flags", "--workers 1", "--proxy-flags", " -v ");
        assertEquals(Path.of("/opt/mtg"), settings.image());
        assertEquals(List.of(1, 5, 1000), settings.sizes());
        assertEquals(List.of(Variant.SECURED, Variant.ONE_HOST), settings.variants());
        assertFalse(settings.cold());
        assertEquals(2, settings.concurrency());
        assertEquals(100, settings.warmupVisits());
        assertEquals(5_000, settings.warmupLimitMs());
        assertEquals(30_000, settings.primeLimitMs());
        assertEquals(2_000, settings.durationMs());
        assertEquals(1, settings.runs());
        assertEquals(-7, settings.seed());
        assertEquals(128, settings.packetLength());
        assertEquals(Path.of("/tmp/ub"), settings.logs());
        assertEquals(List.of("--workers", "1", "-v"), settings.proxyFlags());
    }

    @Test
    void shouldRefuseBadOptions()
    {
        assertMessage("bad --sizes '1,x': 'x' is not a whole number", "--sizes", "1,x");
        assertMessage("bad --sizes '0': 0 is not 1 to", "--sizes", "0");
        assertMessage("bad --variants 'simple'", "--variants", "one-host,simple");
        assertMessage("bad --packet 3: 4 to 2048", "--packet", "3");
        assertMessage("bad --packet 4096: 4 to 2048", "--packet", "4096");
        assertMessage("bad --seed 'x'", "--seed", "x");
        assertMessage("bad --runs 0", "--runs", "0");
        assertMessage("bad duration '5'", "--duration", "5");
        assertMessage("bad --warmup '1s'", "--warmup", "1s");
    }

    private static void assertMessage(final String expected, final String... args)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> parse(args));
        assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
    }

    @Test
    void shouldComputeRatiosMediansAndMemoryPerUser()
    {
        assertEquals(2.0, UsersBench.medianOf(new double[] {3, Double.NaN, 1, 2}), 1e-12);
        assertEquals(2.5, UsersBench.medianOf(new double[] {3, 2}), 1e-12);
        assertTrue(Double.isNaN(UsersBench.medianOf(new double[] {Double.NaN})));
        assertTrue(Double.isNaN(UsersBench.medianOf(new double[0])));
        // 10,000 users: 12 MB more than one user, over the 9,999 beyond the first.
        assertEquals(12_000_000.0 / 9_999, UsersBench.bytesPerUser(62_000_000, 50_000_000, 10_000), 1e-9);
        assertEquals(-10.0, UsersBench.bytesPerUser(49_999_000, 50_000_000, 101), 1e-9);
        assertTrue(Double.isNaN(UsersBench.bytesPerUser(1, 1, 1)));

        final UsersBench.Phase phase = new UsersBench.Phase(3_000, 1, 2_000_000_000L, "x");
        assertEquals(1_500, phase.rate(), 1e-9);
        assertEquals(0.5, phase.cpuMsPerVisit(1_500_000_000L), 1e-12);
        assertTrue(Double.isNaN(UsersBench.Phase.NONE.rate()));
        assertTrue(Double.isNaN(UsersBench.Phase.NONE.cpuMsPerVisit(5)));
        final UsersBench.RunFigures run = new UsersBench.RunFigures(100, 40_000_000, 45_000_000, 46_000_000,
            new UsersBench.Phase(100, 0, 1_000_000_000L, null), phase, 600_000_000L, UsersBench.Phase.NONE, 0);
        assertEquals(0.2, run.ownAddressCpuMs(), 1e-12);
        assertTrue(Double.isNaN(run.coldCpuMs()));
        assertEquals(1.0, run.errors(), 1e-12);
        assertTrue(run.summary().startsWith("primed 100 users in 1.0 s (100/s); per-user addresses 1500 " +
            "handshakes/s, 0.200 ms proxy CPU each; cold - handshakes/s, - ms CPU each;"), run.summary());
    }

    @Test
    void shouldStopAPhaseOnlyPastAFewErrorsAndOnePercent()
    {
        assertEquals(0, UsersBench.maxErrors(99));
        assertEquals(1, UsersBench.maxErrors(100));
        assertEquals(100, UsersBench.maxErrors(10_000));
        assertFalse(UsersBench.tooManyErrors(20, 20));
        assertTrue(UsersBench.tooManyErrors(21, 21));
        assertFalse(UsersBench.tooManyErrors(21, 10_000));
        assertTrue(UsersBench.tooManyErrors(101, 10_000));
    }

    @Test
    void shouldShuffleEveryUserOnceAndSeedEachClientApart()
    {
        final int[] order = UsersBench.shuffled(1000, new Random(15));
        final boolean[] seen = new boolean[order.length];
        for (final int user : order)
        {
            assertFalse(seen[user]);
            seen[user] = true;
        }
        assertArrayEquals(order, UsersBench.shuffled(1000, new Random(15)));
        final Set<Long> seeds = new HashSet<>();
        for (int run = 0; run < 5; run++)
        {
            for (final UsersBench.PhaseKind kind : UsersBench.PhaseKind.values())
            {
                for (int client = 0; client < 64; client++)
                {
                    assertTrue(seeds.add(UsersBench.visitSeed(15, kind, run, client)));
                }
            }
        }
    }

    @Test
    void shouldExitWithBadInputWithoutAnImage()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = PerfMain.run(new String[] {"users-bench", "--image", "/nonexistent/image"},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(PerfMain.STATUS_BAD_INPUT, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no runtime image at /nonexistent/image"),
            err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRunATinyBenchAgainstThisProject() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Path logs = temp.resolve("logs");
        final int status = PerfMain.run(new String[] {"users-bench", "--image", fakeImage().toString(), "--sizes",
            "5", "--variants", "one-host", "--concurrency", "2", "--warmup", "200", "--duration", "2s", "--runs", "1",
            "--logs", logs.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("run 1, one-host, 1 users: primed 1 users in "), text);
        assertTrue(text.contains("run 1, one-host, 5 users: primed 5 users in "), text);
        assertTrue(text.contains("| one-host | 1 | 1.00x | "), text);
        assertTrue(text.matches("(?s).*\\| one-host \\| 5 \\| [0-9.]+x \\| [0-9]+ \\| [0-9.]+x \\| [0-9]+ \\| .*"),
            text);
        assertTrue(text.matches("(?s).*\\| one-host \\| 5 \\| -?[0-9]+ B \\| -?[0-9]+ B \\| .* \\| 5 of 5 \\| 0 " +
            "\\|.*"), text);
        assertFalse(text.contains("FAILED"), text);
        assertEquals(6, Files.readAllLines(logs.resolve("users-one-host-5.txt")).size());
    }

    /**
     * @return a folder whose {@code bin/mtg} runs this project's cli from the test's class path, as the image's
     *         launcher runs it from the image.
     */
    private Path fakeImage() throws IOException
    {
        final Path image = temp.resolve("image");
        final Path launcher = image.resolve("bin/mtg");
        Files.createDirectories(launcher.getParent());
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -XX:+UseSerialGC -Xmx64m " +
            "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp '" + System.getProperty("java.class.path") +
            "' io.mtgj.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return image;
    }
}
