package io.mtgj.antireplay;

import io.mtgj.state.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anti-replay cache saved in the state directory and loaded back: what it keeps, what it drops as older than the
 * time-skew window, and how it survives a damaged file.
 */
@Timeout(30)
class ReplayCacheFileTest
{
    /** 2,048 keys a generation. */
    private static final long MAX_BYTES = 64 * 1024;
    private static final int KEY_LENGTH = 32;

    private final SplittableRandom random = new SplittableRandom(0xF11E);

    @TempDir
    Path dir;

    @Test
    void shouldRememberAfterLoadingWhatItRememberedBeforeSaving() throws IOException
    {
        final FingerprintCache original = new FingerprintCache(MAX_BYTES, 99);
        final byte[][] keys = keys(5_000);
        record(original, keys);
        final ReplayCacheFile file = new ReplayCacheFile(new StateDir(dir));
        file.save(original);

        final ReplayCacheFile.Loaded loaded = file.load(MAX_BYTES, ReplayCacheFile.KEEP_ALL, 0);

        assertEquals(0, loaded.dropped());
        assertTrue(loaded.loaded() >= 2_048 && loaded.loaded() <= 4_096, "both generations: " + loaded.loaded());
        int remembered = 0;
        for (final byte[] key : keys)
        {
            final boolean seen = loaded.cache().remembers(key, 0, key.length);
            assertEquals(original.remembers(key, 0, key.length), seen);
            remembered += seen ? 1 : 0;
        }
        assertEquals(loaded.loaded(), remembered);
        final byte[] fresh = keys(1)[0];
        assertFalse(loaded.cache().seenBefore(fresh, 0, fresh.length), "a new key is new");
    }

    @Test
    void shouldKeepAGenerationForPastPlusFutureOfTheClockWindow() throws IOException
    {
        final io.mtgj.config.ClockWindow window = io.mtgj.config.ClockWindow.parse("10m,30s");
        final long retentionMs = window.replayRetentionMs();
        assertEquals(631_000, retentionMs, "10 min + 30 s, and a second for whole-second clocks");
        final long savedAtMs = 1_000_000;
        final FingerprintCache original = new FingerprintCache(MAX_BYTES, 7, () -> savedAtMs);
        final byte[][] keys = keys(100);
        record(original, keys);
        final ReplayCacheFile file = new ReplayCacheFile(new StateDir(dir));
        file.save(original); // the generation's last record: savedAtMs

        // A hello recorded at savedAtMs, 30 s fast, passes the time check until 10 min 30 s later: still kept.
        final ReplayCacheFile.Loaded kept = file.load(MAX_BYTES, retentionMs, savedAtMs + retentionMs);
        assertEquals(100, kept.loaded());
        assertTrue(kept.cache().seenBefore(keys[0], 0, KEY_LENGTH));
        final ReplayCacheFile.Loaded dropped = file.load(MAX_BYTES, retentionMs, savedAtMs + retentionMs + 1);
        assertEquals(0, dropped.loaded());
        assertEquals(100, dropped.dropped(), "past the window a replay fails its time check anyway");
    }

    @Test
    void shouldDropAGenerationOlderThanTheRetention() throws IOException
    {
        final AtomicLong clock = new AtomicLong(1_000);
        final FingerprintCache original = new FingerprintCache(MAX_BYTES, 5, clock::get);
        final byte[][] old = keys(2_048 + 1); // fills one generation, and the last one rotates it at t=1000
        record(original, old);
        clock.set(5_000);
        final byte[][] recent = keys(1_000);
        record(original, recent);
        final ReplayCacheFile file = new ReplayCacheFile(new StateDir(dir));
        file.save(original); // the current generation's last record: t=5000

        final ReplayCacheFile.Loaded loaded = file.load(MAX_BYTES, 10_000, 12_000);

        assertEquals(2_048, loaded.dropped(), "closed at t=1000, 11 s before: older than the 10 s retention");
        assertEquals(1_001, loaded.loaded());
        for (int i = 0; i < 2_048; i++)
        {
            assertFalse(loaded.cache().seenBefore(old[i], 0, KEY_LENGTH), "old key " + i);
        }
        assertTrue(loaded.cache().seenBefore(old[2_048], 0, KEY_LENGTH), "the key that opened the current one");
        for (final byte[] key : recent)
        {
            assertTrue(loaded.cache().seenBefore(key, 0, KEY_LENGTH));
        }

        assertEquals(0, file.load(MAX_BYTES, 10_000, 20_000).loaded(), "everything is older after 15 s more");
        assertEquals(3_049, file.load(MAX_BYTES, ReplayCacheFile.KEEP_ALL, 20_000).loaded());
    }

    @Test
    void shouldKeepTheNewerGenerationInASmallerCache() throws IOException
    {
        final FingerprintCache original = new FingerprintCache(MAX_BYTES, 3);
        final byte[][] keys = keys(4_000);
        record(original, keys);
        final ReplayCacheFile file = new ReplayCacheFile(new StateDir(dir));
        file.save(original);

        final FingerprintCache smaller = file.load(MAX_BYTES / 4, ReplayCacheFile.KEEP_ALL, 0).cache();

        assertTrue(smaller.memoryBytes() <= MAX_BYTES / 4);
        // a generation is saved in table order, not in order of arrival: what a smaller cache keeps is known by
        // generation only, the current one being loaded last
        int remembered = 0;
        for (int i = 0; i < keys.length; i++)
        {
            if (smaller.remembers(keys[i], 0, KEY_LENGTH))
            {
                assertTrue(original.remembers(keys[i], 0, KEY_LENGTH), "key " + i);
                assertTrue(i >= 2_048, "key " + i + " is of the older generation, loaded first and dropped first");
                remembered++;
            }
        }
        assertTrue(remembered >= smaller.generationCapacity(), "remembered " + remembered);
    }

    @Test
    void shouldStartEmptyFromAMissingOrDamagedFile() throws IOException
    {
        final ReplayCacheFile file = new ReplayCacheFile(new StateDir(dir));
        assertEquals(0, file.load(MAX_BYTES, ReplayCacheFile.KEEP_ALL, 0).loaded(), "no file");

        final FingerprintCache original = new FingerprintCache(MAX_BYTES, 8);
        record(original, keys(100));
        file.save(original);
        final byte[] good = Files.readAllBytes(file.file());

        final byte[] flipped = good.clone();
        flipped[40] ^= 1;
        final byte[][] damaged = {
            flipped,
            java.util.Arrays.copyOf(good, good.length - 9),
            java.util.Arrays.copyOf(good, 3),
            new byte[0],
            "# users-usage.tsv by mistake\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        };
        for (final byte[] bytes : damaged)
        {
            Files.write(file.file(), bytes);
            final ReplayCacheFile.Loaded loaded = file.load(MAX_BYTES, ReplayCacheFile.KEEP_ALL, 0);
            assertEquals(0, loaded.loaded(), bytes.length + " bytes");
            assertEquals(0, loaded.cache().recordedKeys());
        }
        Files.write(file.file(), good);
        assertEquals(100, file.load(MAX_BYTES, ReplayCacheFile.KEEP_ALL, 0).loaded(), "the good one again");
    }

    @Test
    void shouldSaveOnlyWhenKeysWereRecorded() throws IOException
    {
        final SavedReplayCache saved = SavedReplayCache.open(dir.resolve("state"), MAX_BYTES,
            ReplayCacheFile.KEEP_ALL, 0);
        saved.saveIfChanged();
        assertFalse(Files.exists(saved.file()), "nothing recorded, nothing written");

        final byte[] key = keys(1)[0];
        saved.cache().seenBefore(key, 0, key.length);
        saved.saveIfChanged();
        assertTrue(Files.exists(saved.file()));
        Files.delete(saved.file());
        saved.cache().seenBefore(key, 0, key.length); // a replay records nothing
        saved.saveIfChanged();
        assertFalse(Files.exists(saved.file()), "unchanged since the last save");

        final SavedReplayCache reopened = SavedReplayCache.open(dir.resolve("state"), MAX_BYTES,
            ReplayCacheFile.KEEP_ALL, 0);
        assertEquals(0, reopened.loaded());
    }

    @Test
    void shouldExplainAStateDirectoryThatIsAFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("plain"), "x");
        final UncheckedIOException ex = assertThrows(UncheckedIOException.class,
            () -> SavedReplayCache.open(file, MAX_BYTES, ReplayCacheFile.KEEP_ALL, 0));
        assertEquals("cannot create state directory " + file + ": exists and is not a directory", ex.getMessage());
    }

    private static void record(final FingerprintCache cache, final byte[][] keys)
    {
        for (final byte[] key : keys)
        {
            assertFalse(cache.seenBefore(key, 0, key.length));
        }
    }

    private byte[][] keys(final int count)
    {
        final byte[][] keys = new byte[count][KEY_LENGTH];
        for (final byte[] key : keys)
        {
            random.nextBytes(key);
        }
        return keys;
    }
}
