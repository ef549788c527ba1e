package io.mtgj.antireplay;

import io.mtgj.config.FileErrors;
import io.mtgj.state.StateDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The anti-replay cache kept across restarts in {@code anti-replay.bin} in the state directory, so a restart does not
 * reopen a replay window: without it, every handshake seen before the restart could be replayed after it.
 * <p>
 * Layout, big-endian: the magic {@code MTGJRPL1}; the cache's seed (8 bytes; the fingerprints mean nothing without
 * it, which is why the file is readable by its owner only); then each generation, oldest first, as a marker 1
 * (4 bytes), the wall-clock time of its last record (8 bytes) and chunks of fingerprints, a chunk being a count
 * (4 bytes, at most {@value FingerprintCache#SAVE_CHUNK_SLOTS}) and that many 8-byte fingerprints, a count of 0
 * ending the generation; a marker -1 ending them all; and a CRC-32C of everything before it (4 bytes). A file that
 * does not read back whole is set aside with a warning and the proxy starts with an empty cache, as it would without
 * the file.
 * <p>
 * When loading, a generation whose last record is older than the retention is dropped: past the time-skew window a
 * FakeTLS handshake is refused for its timestamp anyway, so remembering it buys nothing. Secrets without a timestamp
 * (simple and secured) can be replayed at any time, and their proxies keep everything the cache's bound allows.
 */
public final class ReplayCacheFile
{
    /** Name of the file inside the state directory. */
    public static final String FILE_NAME = "anti-replay.bin";
    /** Retention that keeps every saved key, for secrets whose handshakes carry no timestamp. */
    public static final long KEEP_ALL = Long.MAX_VALUE;

    private static final System.Logger LOG = System.getLogger("io.mtgj.antireplay");
    private static final long MAGIC = 0x4D54474A52504C31L; // "MTGJRPL1"
    private static final int GENERATION = 1;
    private static final int END_OF_GENERATION = 0;
    private static final int END_OF_FILE = -1;
    private static final int MAX_GENERATIONS = 2;

    private final StateDir dir;

    /**
     * What a load found.
     *
     * @param cache   the cache, with the kept keys recorded; empty when there was no usable file.
     * @param loaded  keys recorded from the file.
     * @param dropped keys left out as older than the retention.
     */
    public record Loaded(FingerprintCache cache, long loaded, long dropped)
    {
    }

    /**
     * @param dir the state directory.
     */
    public ReplayCacheFile(final StateDir dir)
    {
        this.dir = dir;
    }

    /**
     * @return the file, {@code dir/anti-replay.bin}.
     */
    public Path file()
    {
        return dir.file(FILE_NAME);
    }

    /**
     * Make the cache from the saved one, or an empty one when there is none or it is damaged (logged).
     *
     * @param maxBytes    the cache's bound; when smaller than when saved, the oldest keys are the ones that go.
     * @param retentionMs how long after its last record a generation is still worth keeping, or {@link #KEEP_ALL}.
     * @param nowMs       wall-clock time now.
     * @return the cache and what was loaded.
     * @throws IOException with a plain message naming the file when it exists but cannot be read: starting empty
     *                     then would silently reopen the replay window.
     */
    public Loaded load(final long maxBytes, final long retentionMs, final long nowMs) throws IOException
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file());
        }
        catch (final NoSuchFileException ex)
        {
            return new Loaded(new FingerprintCache(maxBytes), 0, 0);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot read anti-replay file " + file() + ": " + FileErrors.reason(ex), ex);
        }
        try
        {
            return parse(ByteBuffer.wrap(bytes), maxBytes, retentionMs, nowMs);
        }
        catch (final IllegalArgumentException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "anti-replay file {0} is damaged ({1}): starting with an empty " +
                "cache; it is replaced at the next save", file(), ex.getMessage());
            return new Loaded(new FingerprintCache(maxBytes), 0, 0);
        }
    }

    private static Loaded parse(final ByteBuffer file, final long maxBytes, final long retentionMs, final long nowMs)
    {
        if (file.remaining() < Long.BYTES * 2 + Integer.BYTES * 2)
        {
            throw new IllegalArgumentException("too short");
        }
        final CRC32C crc = new CRC32C();
        crc.update(file.duplicate().limit(file.limit() - Integer.BYTES));
        if ((int)crc.getValue() != file.getInt(file.limit() - Integer.BYTES))
        {
            throw new IllegalArgumentException("checksum mismatch");
        }
        file.limit(file.limit() - Integer.BYTES);
        if (MAGIC != file.getLong())
        {
            throw new IllegalArgumentException("not an anti-replay file");
        }
        final FingerprintCache cache = new FingerprintCache(maxBytes, file.getLong());
        final long[] chunk = new long[FingerprintCache.SAVE_CHUNK_SLOTS];
        long loaded = 0;
        long dropped = 0;
        for (int generation = 0; ; generation++)
        {
            final int marker = need(file, Integer.BYTES).getInt();
            if (END_OF_FILE == marker)
            {
                if (file.hasRemaining())
                {
                    throw new IllegalArgumentException("bytes after the end");
                }
                return new Loaded(cache, loaded, dropped);
            }
            if (GENERATION != marker || generation >= MAX_GENERATIONS)
            {
                throw new IllegalArgumentException("bad generation marker " + marker);
            }
            final long lastRecordMs = need(file, Long.BYTES).getLong();
            final boolean keep = KEEP_ALL == retentionMs || nowMs - lastRecordMs <= retentionMs;
            for (int count = need(file, Integer.BYTES).getInt(); END_OF_GENERATION != count;
                count = need(file, Integer.BYTES).getInt())
            {
                if (count < 0 || count > chunk.length)
                {
                    throw new IllegalArgumentException("bad chunk length " + count);
                }
                need(file, count * Long.BYTES).asLongBuffer().get(chunk, 0, count);
                file.position(file.position() + count * Long.BYTES);
                if (keep)
                {
                    cache.load(chunk, count);
                    loaded += count;
                }
                else
                {
                    dropped += count;
                }
            }
        }
    }

    private static ByteBuffer need(final ByteBuffer file, final int bytes)
    {
        if (file.remaining() < bytes)
        {
            throw new IllegalArgumentException("truncated");
        }
        return file;
    }

    /**
     * Replace the file with the cache's contents, atomically.
     *
     * @param cache the cache.
     * @throws IOException with a plain message naming the file when it cannot be written.
     */
    public void save(final FingerprintCache cache) throws IOException
    {
        dir.replace(FILE_NAME, "anti-replay file", out -> write(cache, out));
    }

    private static void write(final FingerprintCache cache, final OutputStream out) throws IOException
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES + FingerprintCache.SAVE_CHUNK_SLOTS * Long.BYTES);
        buffer.putLong(MAGIC).putLong(cache.seed());
        final boolean[] started = {false};
        cache.save(new FingerprintCache.Saver()
        {
            @Override
            public void generation(final long lastRecordMs) throws IOException
            {
                if (started[0])
                {
                    buffer.putInt(END_OF_GENERATION);
                }
                started[0] = true;
                buffer.putInt(GENERATION).putLong(lastRecordMs);
            }

            @Override
            public void fingerprints(final long[] fingerprints, final int count) throws IOException
            {
                flush(buffer, crc, out);
                buffer.putInt(count).asLongBuffer().put(fingerprints, 0, count);
                buffer.position(buffer.position() + count * Long.BYTES);
                flush(buffer, crc, out);
            }
        });
        buffer.putInt(END_OF_GENERATION).putInt(END_OF_FILE);
        flush(buffer, crc, out);
        out.write(buffer.putInt((int)crc.getValue()).array(), 0, Integer.BYTES);
    }

    private static void flush(final ByteBuffer buffer, final CRC32C crc, final OutputStream out) throws IOException
    {
        crc.update(buffer.array(), 0, buffer.position());
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
    }
}
