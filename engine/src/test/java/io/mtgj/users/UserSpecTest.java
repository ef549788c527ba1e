package io.mtgj.users;

import io.mtgj.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class UserSpecTest
{
    private static final Secret SECRET = Secret.parse(UsersFileTest.KEY_A);

    private static long ms(final String instant)
    {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void shouldExpireAtTheEndOfTheDayInUtc()
    {
        final UserSpec bob = UsersFile.parse(UsersFileTest.EXAMPLE, "users.txt").get(1);

        assertEquals(ms("2027-07-01T00:00:00Z"), bob.expiresAtMs());
        assertFalse(bob.isExpired(ms("2027-06-30T00:00:00Z")));
        assertFalse(bob.isExpired(ms("2027-06-30T23:59:59.999Z")));
        assertTrue(bob.isExpired(ms("2027-07-01T00:00:00Z")));
        assertTrue(bob.isExpired(ms("2028-01-01T00:00:00Z")));
    }

    @Test
    void shouldNeverExpireWithoutADate()
    {
        final UserSpec kiosk = new UserSpec("kiosk", SECRET, 0, null, null, 0);

        assertEquals(Long.MAX_VALUE, kiosk.expiresAtMs());
        assertFalse(kiosk.isExpired(Long.MAX_VALUE - 1));
    }

    @Test
    void shouldGiveBackItsOptionsAsWritten()
    {
        final UserSpec user = new UserSpec("alice", SECRET, 20, Quota.parse("50GB/month"), LocalDate.of(2027, 6, 30),
            1);

        assertEquals("max-connections=20 quota=50GB/month expires=2027-06-30", user.optionsText());
        assertEquals("expires=2027-06-30", new UserSpec("a", SECRET, 0, null, LocalDate.of(2027, 6, 30), 1)
            .optionsText());
        assertEquals("quota=1KB/day", new UserSpec("a", SECRET, 0, Quota.parse("1024/day"), null, 1).optionsText());
        final UserSpec reread = UsersFile.parse("alice " + UsersFileTest.KEY_A + " " + user.optionsText(), "f").get(0);
        assertEquals(user, reread);
    }

    @Test
    void shouldCheckNames()
    {
        assertTrue(UserSpec.isValidName("a"));
        assertTrue(UserSpec.isValidName("Alice_B.c-9"));
        assertTrue(UserSpec.isValidName("x".repeat(64)));
        assertFalse(UserSpec.isValidName("x".repeat(65)));
        assertFalse(UserSpec.isValidName(""));
        assertFalse(UserSpec.isValidName(null));
        assertFalse(UserSpec.isValidName("a b"));
        assertFalse(UserSpec.isValidName("a\tb"));
        assertFalse(UserSpec.isValidName("é"));
        assertFalse(UserSpec.isValidName("a#b"));
        assertThrows(IllegalArgumentException.class, () -> new UserSpec("a b", SECRET, 0, null, null, 1));
        assertThrows(IllegalArgumentException.class, () -> new UserSpec("a", SECRET, -1, null, null, 1));
    }
}
