package io.mtgj.users;

import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class UsersFileTest
{
    static final String KEY_A = "0123456789abcdef0123456789abcdef";
    static final String KEY_B = "fedcba9876543210fedcba9876543210";
    static final String KEY_C = "00112233445566778899aabbccddeeff";
    static final String HOST_HEX = Hex.encode("example.com".getBytes(StandardCharsets.US_ASCII));

    static final String EXAMPLE =
        "# name    secret                                  options\n" +
        "alice     ee" + KEY_A + HOST_HEX + "   max-connections=20\n" +
        "bob       dd" + KEY_B + "                 quota=50GB/month expires=2027-06-30\n" +
        "kiosk     " + KEY_C + "\n";

    @TempDir
    Path dir;

    private static UsersFileException parseError(final String text)
    {
        return assertThrows(UsersFileException.class, () -> UsersFile.parse(text, "users.txt"));
    }

    private static void assertError(final String text, final int line, final String phrase)
    {
        final UsersFileException ex = parseError(text);
        assertTrue(ex.getMessage().startsWith("users.txt:" + line + ": "), ex.getMessage());
        assertTrue(ex.getMessage().contains(phrase), ex.getMessage());
        assertEquals(line, ex.line());
        assertEquals("users.txt", ex.file());
    }

    @Test
    void shouldParseTheExample()
    {
        final List<UserSpec> users = UsersFile.parse(EXAMPLE, "users.txt");

        assertEquals(3, users.size());
        final UserSpec alice = users.get(0);
        assertEquals("alice", alice.name());
        assertEquals(SecretMode.FAKE_TLS, alice.secret().mode());
        assertEquals("example.com", alice.secret().host());
        assertEquals(KEY_A, Hex.encode(alice.secret().key()));
        assertEquals(20, alice.maxConnections());
        assertNull(alice.quota());
        assertNull(alice.expires());
        assertEquals(2, alice.line());
        assertEquals("max-connections=20", alice.optionsText());

        final UserSpec bob = users.get(1);
        assertEquals("bob", bob.name());
        assertEquals(SecretMode.SECURED, bob.secret().mode());
        assertEquals(0, bob.maxConnections());
        assertEquals(new Quota(50L << 30, QuotaPeriod.MONTH), bob.quota());
        assertEquals(LocalDate.of(2027, 6, 30), bob.expires());
        assertEquals(3, bob.line());
        assertEquals("quota=50GB/month expires=2027-06-30", bob.optionsText());

        final UserSpec kiosk = users.get(2);
        assertEquals("kiosk", kiosk.name());
        assertEquals(SecretMode.SIMPLE, kiosk.secret().mode());
        assertEquals(Secret.parse(KEY_C), kiosk.secret());
        assertEquals(0, kiosk.maxConnections());
        assertNull(kiosk.quota());
        assertNull(kiosk.expires());
        assertEquals("", kiosk.optionsText());
        assertEquals(4, kiosk.line());
    }

    @Test
    void shouldSkipCommentsAndBlankLinesAndSplitOnTabs()
    {
        final String text = "\n   \n# only a comment\n\t\n" +
            "alice\t" + KEY_A + "\t\tquota=1GB/day # a comment after the user\n" +
            "  bob  \t dd" + KEY_B + "#comment touching the secret\r\n" +
            "   # indented comment\n" +
            "carol " + KEY_C + " max-connections=3\texpires=2030-01-01 quota=10GB";

        final List<UserSpec> users = UsersFile.parse(text, "users.txt");

        assertEquals(List.of("alice", "bob", "carol"), users.stream().map(UserSpec::name).toList());
        assertEquals(List.of(5, 6, 8), users.stream().map(UserSpec::line).toList());
        assertEquals(new Quota(1L << 30, QuotaPeriod.DAY), users.get(0).quota());
        assertEquals(SecretMode.SECURED, users.get(1).secret().mode());
        assertEquals("max-connections=3 quota=10GB expires=2030-01-01", users.get(2).optionsText());
        assertEquals(QuotaPeriod.TOTAL, users.get(2).quota().period());
    }

    @Test
    void shouldReadBase64SecretsAndAByteOrderMark()
    {
        final byte[] raw = Hex.decode("ee" + KEY_A + HOST_HEX);
        final String url = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        final String standard = Base64.getEncoder().encodeToString(Hex.decode("dd" + KEY_B));

        final List<UserSpec> users = UsersFile.parse("\uFEFFalice " + url + "\nbob " + standard + " quota=1MB\n",
            "users.txt");

        assertEquals(Secret.parse("ee" + KEY_A + HOST_HEX), users.get(0).secret());
        assertEquals(Secret.parse("dd" + KEY_B), users.get(1).secret());
        assertTrue(standard.endsWith("="), "padding kept: " + standard);
        assertEquals(new Quota(1L << 20, QuotaPeriod.TOTAL), users.get(1).quota());
    }

    @Test
    void shouldAcceptNamesUpToTheLimit()
    {
        final String name = "A-z_0.9" + "x".repeat(UserSpec.MAX_NAME_LENGTH - 7);

        assertEquals(name, UsersFile.parse(name + " " + KEY_A, "users.txt").get(0).name());
    }

    @Test
    void shouldRejectAFileWithoutUsers()
    {
        assertError("", 1, "no users");
        assertError("# nobody yet\n\n   \n", 3, "no users");
    }

    @Test
    void shouldRejectTheSameKeyTwiceWhateverTheMode()
    {
        assertError("alice " + KEY_A + "\n\nbob dd" + KEY_A + "\n", 3,
            "user 'bob' has the same key as alice on line 1; each user needs their own key");
        assertError("alice ee" + KEY_A + HOST_HEX + "\nbob ee" + KEY_A + Hex.encode("a.org".getBytes(
            StandardCharsets.US_ASCII)) + "\n", 2, "same key as alice on line 1");
    }

    @Test
    void shouldRejectADuplicateName()
    {
        assertError("alice " + KEY_A + "\nbob " + KEY_B + "\nalice " + KEY_C + "\n", 3,
            "user 'alice' is already defined on line 1");
    }

    @Test
    void shouldRejectBadNames()
    {
        assertError("kiosk " + KEY_C + "\nal/ice " + KEY_A, 2, "bad user name 'al/ice'");
        assertError("alice " + KEY_A + "\nbjörn " + KEY_B, 2, "use only letters, digits");
        assertError("a,b " + KEY_A, 1, "bad user name");
        assertError("x".repeat(UserSpec.MAX_NAME_LENGTH + 1) + " " + KEY_A, 1, "longer than 64 characters");
    }

    @Test
    void shouldRejectAUserWithoutASecret()
    {
        assertError("alice " + KEY_A + "\nbob\n", 2, "user 'bob' has no secret");
        assertError("bob   # secret forgotten\n", 1, "has no secret");
        assertError("bob max-connections=2\n", 1, "has no secret");
        assertError("# a secret alone\ndd" + KEY_A + "\n", 2, "looks like a secret without a user name");
        assertError("ee" + KEY_A + HOST_HEX + Hex.encode("x".repeat(40).getBytes(StandardCharsets.US_ASCII)), 1,
            "looks like a secret without a user name");
    }

    @Test
    void shouldRejectABadSecret()
    {
        assertError("alice 0123\n", 1, "bad secret for user 'alice'");
        assertError("alice ee" + KEY_A + "\n", 1, "bad secret for user 'alice'");
        assertError("alice not*a*secret\n", 1, "neither hex nor base64");
    }

    @Test
    void shouldRejectBadOptions()
    {
        assertError("alice " + KEY_A + " speed=10\n", 1, "unknown option 'speed' for user 'alice'");
        assertError("alice " + KEY_A + " quota\n", 1, "option 'quota' of user 'alice' is not key=value");
        assertError("alice " + KEY_A + " =5\n", 1, "is not key=value");
        assertError("alice " + KEY_A + " quota=\n", 1, "option quota of user 'alice' has no value");
        assertError("alice " + KEY_A + " max-connections=1 max-connections=2\n", 1,
            "option max-connections given twice");
        assertError("alice " + KEY_A + " Quota=1GB\n", 1, "unknown option 'Quota'");
    }

    @Test
    void shouldRejectBadValues()
    {
        final String user = "alice " + KEY_A + " ";
        for (final String bad : new String[] {"0", "-1", "2.5", "ten", "99999999999", "+3"})
        {
            assertError(user + "max-connections=" + bad, 1, "bad max-connections '" + bad +
                "': expected a whole number of at least 1");
        }
        assertError(user + "quota=0GB", 1, "must be more than 0 bytes");
        assertError(user + "quota=50XB/month", 1, "user 'alice': bad quota '50XB/month'");
        assertError(user + "quota=GB", 1, "bad quota 'GB'");
        assertError(user + "quota=50GB/week", 1, "unknown period '/week'");
        assertError(user + "quota=50GB/", 1, "unknown period");
        for (final String bad : new String[] {"2027-13-01", "2027-02-30", "30.06.2027", "2027-6-30", "tomorrow",
            "+12027-06-30"})
        {
            assertError(user + "expires=" + bad, 1, "bad expires '" + bad + "': expected a date as YYYY-MM-DD");
        }
    }

    @Test
    void shouldReadAFileKeepingItsOrder() throws Exception
    {
        final Path file = dir.resolve("users.txt");
        Files.writeString(file, EXAMPLE);

        assertEquals(List.of("alice", "bob", "kiosk"), UsersFile.read(file).stream().map(UserSpec::name).toList());
    }

    @Test
    void shouldNameTheFileAsGivenInLineErrors() throws Exception
    {
        final Path file = dir.resolve("users.txt");
        Files.writeString(file, "alice " + KEY_A + " quota=lots\n");

        final UsersFileException ex = assertThrows(UsersFileException.class, () -> UsersFile.read(file));
        assertTrue(ex.getMessage().startsWith(file + ":1: user 'alice': bad quota 'lots'"), ex.getMessage());
    }

    @Test
    void shouldExplainFilesThatCannotBeRead() throws Exception
    {
        final Path missing = dir.resolve("missing.txt");
        assertEquals("cannot read secrets file " + missing + ": no such file",
            assertThrows(UsersFileException.class, () -> UsersFile.read(missing)).getMessage());
        assertEquals("cannot read secrets file " + dir + ": is a directory",
            assertThrows(UsersFileException.class, () -> UsersFile.read(dir)).getMessage());
        final Path binary = dir.resolve("binary");
        Files.write(binary, new byte[] {'a', ' ', (byte)0xff, (byte)0xfe});
        assertEquals("cannot read secrets file " + binary + ": not UTF-8 text",
            assertThrows(UsersFileException.class, () -> UsersFile.read(binary)).getMessage());
    }

    @Test
    void shouldExplainAFileWithoutPermission() throws Exception
    {
        final Path file = dir.resolve("secret.txt");
        Files.writeString(file, EXAMPLE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
        Assumptions.assumeFalse(Files.isReadable(file), "root reads any file");

        final UsersFileException ex = assertThrows(UsersFileException.class, () -> UsersFile.read(file));
        assertEquals("cannot read secrets file " + file + ": permission denied", ex.getMessage());
        assertEquals(0, ex.line());
        assertFalse(ex.getMessage().contains("Exception"), ex.getMessage());
    }
}
