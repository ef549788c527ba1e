package io.mtgj.cli;

import io.mtgj.secret.Hex;
import io.mtgj.users.Usage;
import io.mtgj.users.UsageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class UsersCommandTest
{
    private static final String KEY_A = "0123456789abcdef0123456789abcdef";
    private static final String KEY_B = "fedcba9876543210fedcba9876543210";
    private static final String KEY_C = "00112233445566778899aabbccddeeff";
    private static final String ALICE = "ee" + KEY_A + Hex.encode("example.com".getBytes(StandardCharsets.US_ASCII));
    private static final String BOB = "dd" + KEY_B;
    private static final String USERS =
        "# name    secret    options\n" +
        "alice  " + ALICE + "  max-connections=20\n" +
        "bob    " + BOB + "   quota=50GB/month expires=2027-06-30\n" +
        "kiosk  " + KEY_C + " quota=1GB/day\n";

    private static final long NOW_MS = ms("2027-06-15T12:00:00Z");

    @TempDir
    Path dir;

    private final Console console = new Console();

    private static long ms(final String instant)
    {
        return Instant.parse(instant).toEpochMilli();
    }

    private Path secretsFile(final String text) throws Exception
    {
        final Path file = dir.resolve("users.txt");
        Files.writeString(file, text);
        return file;
    }

    private int run(final long nowMs, final Map<String, String> env, final String... args)
    {
        return UsersCommand.execute(args, env, console.out, console.err, nowMs);
    }

    private static List<String> columns(final String line)
    {
        return List.of(line.split(" {2,}"));
    }

    @Test
    void shouldListUsersWithTheirSavedUsage() throws Exception
    {
        final Path file = secretsFile(USERS);
        final Path state = dir.resolve("state");
        new UsageStore(state).save(Map.of(
            "alice", new Usage(ms("2027-06-01T00:00:00Z"), 1536, 4),
            "bob", new Usage(ms("2027-06-01T00:00:00Z"), 5L << 30, 2),
            // counted yesterday: today's period starts from zero
            "kiosk", new Usage(ms("2027-06-14T00:00:00Z"), 700L << 20, 1),
            "gone", new Usage(0, 1, 1)));

        assertEquals(0, run(NOW_MS, Map.of(), "--secrets", file.toString(), "--state-dir", state.toString(),
            "--server", "203.0.113.7:8443"), console.err());

        assertEquals("", console.err());
        final List<String> lines = console.outLines();
        assertEquals(4, lines.size(), console.out());
        assertEquals(List.of("NAME", "MODE", "CONNECTIONS", "USED", "QUOTA", "EXPIRES", "LINK"), columns(lines.get(0)));
        assertEquals(List.of("alice", "tls", "4", "1.5KB", "-", "-",
            "tg://proxy?server=203.0.113.7&port=8443&secret=" + ALICE), columns(lines.get(1)));
        assertEquals(List.of("bob", "secured", "2", "5GB", "50GB/month", "2027-06-30",
            "tg://proxy?server=203.0.113.7&port=8443&secret=" + BOB), columns(lines.get(2)));
        assertEquals(List.of("kiosk", "simple", "1", "0B", "1GB/day", "-",
            "tg://proxy?server=203.0.113.7&port=8443&secret=" + KEY_C), columns(lines.get(3)));
        final int linkColumn = lines.get(0).indexOf("LINK");
        for (final String line : lines)
        {
            assertEquals(linkColumn, line.indexOf(line.startsWith("NAME") ? "LINK" : "tg://"), console.out());
            assertEquals(line.strip(), line, "no trailing spaces");
        }
    }

    @Test
    void shouldShowTheBytesOfAnOldPeriodAsZeroAndMarkExpiredUsers() throws Exception
    {
        final Path file = secretsFile(USERS);
        final Path state = dir.resolve("state");
        new UsageStore(state).save(Map.of("bob", new Usage(ms("2027-06-01T00:00:00Z"), 5L << 30, 0)));

        assertEquals(0, run(ms("2027-07-01T00:00:00Z"), Map.of(), "--secrets", file.toString(),
            "--state-dir", state.toString(), "--server", "proxy.example.org"), console.err());

        final List<String> bob = columns(console.outLines().get(2));
        assertEquals("0B", bob.get(3), console.out());
        assertEquals("2027-06-30 (expired)", bob.get(5), console.out());
        assertEquals("tg://proxy?server=proxy.example.org&port=443&secret=" + BOB, bob.get(6));
    }

    @Test
    void shouldNotMarkAUserExpiredOnTheirLastDay() throws Exception
    {
        final Path file = secretsFile(USERS);

        assertEquals(0, run(ms("2027-06-30T23:59:59Z"), Map.of(), "--secrets", file.toString()), console.err());

        assertEquals("2027-06-30", columns(console.outLines().get(2)).get(5), console.out());
    }

    @Test
    void shouldUseAPlaceholderServerAndSaySoWithoutServer() throws Exception
    {
        final Path file = secretsFile(USERS);

        assertEquals(0, run(NOW_MS, Map.of(), "--secrets", file.toString()), console.err());

        final List<String> lines = console.outLines();
        assertEquals(List.of("alice", "tls", "0", "0B", "-", "-",
            "tg://proxy?server=SERVER&port=443&secret=" + ALICE), columns(lines.get(1)));
        assertTrue(lines.get(lines.size() - 1).contains("--server HOST[:PORT]"), console.out());
    }

    @Test
    void shouldReadFilesFromTheEnvironment() throws Exception
    {
        final Path file = secretsFile(USERS);
        final Path state = dir.resolve("state");
        new UsageStore(state).save(Map.of("alice", new Usage(ms("2027-06-01T00:00:00Z"), 10, 7)));

        assertEquals(0, run(NOW_MS, Map.of("MTG_SECRETS", file.toString(), "MTG_STATE_DIR", state.toString()),
            "--server", "[2001:db8::1]:443"), console.err());

        final List<String> alice = columns(console.outLines().get(1));
        assertEquals("7", alice.get(2), console.out());
        assertEquals("10B", alice.get(3), console.out());
        assertEquals("tg://proxy?server=2001%3Adb8%3A%3A1&port=443&secret=" + ALICE, alice.get(6));
    }

    @Test
    void shouldPreferTheFlagToTheEnvironment() throws Exception
    {
        final Path file = secretsFile(USERS);

        assertEquals(0, run(NOW_MS, Map.of("MTG_SECRETS", dir.resolve("nope").toString()), "--secrets",
            file.toString()), console.err());
        assertEquals(6, console.outLines().size(), console.out()); // header, 3 users, a blank line, the hint
    }

    @Test
    void shouldReportABadFileWithItsLine() throws Exception
    {
        final Path file = secretsFile(USERS + "dave " + KEY_A + "\n");

        assertEquals(2, run(NOW_MS, Map.of(), "--secrets", file.toString()));

        assertEquals("", console.out());
        assertEquals(List.of("mtg: " + file + ":5: user 'dave' has the same key as alice on line 2; each user needs " +
            "their own key"), console.errLines());
    }

    @Test
    void shouldReportAMissingFile()
    {
        final Path missing = dir.resolve("missing.txt");

        assertEquals(2, run(NOW_MS, Map.of(), "--secrets", missing.toString()));

        assertEquals(List.of("mtg: cannot read secrets file " + missing + ": no such file"), console.errLines());
    }

    @Test
    void shouldReportBadInput() throws Exception
    {
        final Path file = secretsFile(USERS);
        final String[][] cases =
        {
            {},
            {"--secrets"},
            {"--secrets", file.toString(), "extra"},
            {"--secrets", file.toString(), "--secrets", file.toString()},
            {"--secrets", file.toString(), "--server", "bad host"},
            {"--secrets", file.toString(), "--server", "example.com:99999"},
            {"--secrets", file.toString(), "--server", "example.com:0"},
            {"--secrets", file.toString(), "--state-dir", file.toString()},
            {"--bogus"},
        };
        for (final String[] args : cases)
        {
            final Console console = new Console();
            assertEquals(2, UsersCommand.execute(args, Map.of(), console.out, console.err, NOW_MS), String.join(" ",
                args));
            assertEquals(1, console.errLines().size(), console.err());
            assertTrue(console.err().startsWith("mtg: "), console.err());
            assertEquals("", console.out());
        }
    }

    @Test
    void shouldPrintHelp()
    {
        assertEquals(0, run(NOW_MS, Map.of(), "--help"));

        assertTrue(console.out().startsWith("Usage: mtg users --secrets FILE"), console.out());
        assertTrue(console.out().contains("MTG_SECRETS"), console.out());
        assertTrue(console.out().contains("MTG_STATE_DIR"), console.out());
        assertEquals("", console.err());
    }

    @Test
    void shouldBeReachableThroughMain() throws Exception
    {
        final Path file = secretsFile(USERS);

        assertEquals(0, Main.run(new String[] {"users", "--secrets", file.toString()}, Map.of(), console.out,
            console.err));
        assertTrue(console.out().startsWith("NAME "), console.out());
        final Console help = new Console();
        assertEquals(0, Main.run(new String[] {"--help"}, Map.of(), help.out, help.err));
        assertTrue(help.out().contains("\n  users            list the users of a secrets file"), help.out());
    }

    @Test
    void shouldWriteBytesForPeople()
    {
        assertEquals("0B", UsersCommand.humanBytes(0));
        assertEquals("1023B", UsersCommand.humanBytes(1023));
        assertEquals("1KB", UsersCommand.humanBytes(1024));
        assertEquals("1.5KB", UsersCommand.humanBytes(1536));
        assertEquals("50GB", UsersCommand.humanBytes(50L << 30));
        assertEquals("5.0GB", UsersCommand.humanBytes((5L << 30) + 1));
        assertEquals("700MB", UsersCommand.humanBytes(700L << 20));
    }
}
