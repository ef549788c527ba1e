package io.mtgj.users;

import io.mtgj.net.RejectReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live side of the secrets file: accounts kept across reloads, limits, quota periods, revocation and saving.
 */
@Timeout(10)
class UsersTest
{
    private final Random random = new Random(8);
    private final Secret alice = Secret.generate(SecretMode.SIMPLE, null, random);
    private final Secret bob = Secret.generate(SecretMode.SECURED, null, random);
    private final AtomicLong nowMs = new AtomicLong(Instant.parse("2026-12-31T23:59:50Z").toEpochMilli());
    private final List<Object> closes = new ArrayList<>();

    @TempDir
    Path dir;

    @Test
    void shouldKeepCountsAcrossReloadsAndRevokeWhatChanged() throws Exception
    {
        final Path file = dir.resolve("secrets");
        Files.writeString(file, "alice " + alice.toHex() + " quota=100B\nbob " + bob.toHex() + "\n");
        final Users users = Users.load(file, null, nowMs::get);
        users.listen(closes::add, () -> { });
        final Account first = users.accounts().get(0);
        assertNull(first.admit());
        first.addIngress(40);

        Files.writeString(file, "alice " + alice.toHex() + " quota=100B max-connections=1\n");
        assertTrue(users.reload());
        assertSame(first, users.accounts().get(0), "same key, same account");
        assertEquals(RejectReason.USER_CONNECTION_LIMIT, first.admit(), "new options for new connections");
        assertFalse(closes.isEmpty(), "bob's connections are swept");

        // A new key: a new account with the counts, the old one refused (its clients are closed by the sweep).
        final Secret rotated = Secret.generate(SecretMode.SIMPLE, null, random);
        Files.writeString(file, "alice " + rotated.toHex() + " quota=100B\n");
        assertTrue(users.reload());
        final Account second = users.accounts().get(0);
        assertNotSame(first, second);
        assertEquals(40, second.usage().bytes());
        assertEquals(RejectReason.USER_REMOVED, first.admit());
        assertTrue(first.isRevoked(nowMs.get()));

        // Out and back in within the period: the count is not reset.
        Files.writeString(file, "bob " + bob.toHex() + "\n");
        assertTrue(users.reload());
        Files.writeString(file, "alice " + rotated.toHex() + " quota=100B\nbob " + bob.toHex() + "\n");
        assertTrue(users.reload());
        assertEquals(40, users.accounts().get(0).usage().bytes());

        // A broken file changes nothing.
        Files.writeString(file, "alice " + rotated.toHex() + " quota=lots\n");
        assertFalse(users.reload());
        assertEquals(2, users.accounts().size());
    }

    @Test
    void shouldRevokeAtTheQuotaAndLetBackInWhenThePeriodTurns() throws Exception
    {
        final Path file = dir.resolve("secrets");
        Files.writeString(file, "alice " + alice.toHex() + " quota=100B/day\n");
        final Users users = Users.load(file, dir.resolve("state"), nowMs::get);
        users.listen(closes::add, () -> { });
        final Account account = users.accounts().get(0);
        assertNull(account.admit());
        account.addIngress(60);
        assertTrue(closes.isEmpty());
        account.addEgress(40);
        assertEquals(1, closes.size(), "the user's connections are closed at the quota");
        assertTrue(account.isRevoked(nowMs.get()));
        account.release();
        assertEquals(RejectReason.USER_QUOTA, account.admit());

        users.save();
        assertEquals(100, new UsageStore(dir.resolve("state")).load().get("alice").bytes());
        final Users restarted = Users.load(file, dir.resolve("state"), nowMs::get);
        assertEquals(RejectReason.USER_QUOTA, restarted.accounts().get(0).admit(), "the quota survives a restart");

        nowMs.addAndGet(20_000); // past midnight UTC: a new day
        users.tick();
        assertNull(account.admit());
        assertEquals(0, account.usage().bytes());
    }

    @Test
    void shouldRefuseAnExpiredUserAndCloseItsConnections() throws Exception
    {
        final Path file = dir.resolve("secrets");
        Files.writeString(file, "alice " + alice.toHex() + " expires=2026-12-31\n");
        final Users users = Users.load(file, null, nowMs::get);
        users.listen(closes::add, () -> { });
        final Account account = users.accounts().get(0);
        assertNull(account.admit());
        users.tick();
        assertTrue(closes.isEmpty());

        nowMs.addAndGet(20_000);
        users.tick();

        assertEquals(1, closes.size());
        assertEquals(RejectReason.USER_EXPIRED, account.admit());
    }
}
