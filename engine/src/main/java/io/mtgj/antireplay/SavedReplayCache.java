package io.mtgj.antireplay;

import io.mtgj.state.StateDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The anti-replay cache of a proxy with a state directory: loaded at start from {@link ReplayCacheFile}, saved
 * periodically when keys were recorded since the last save (a quiet proxy does not rewrite its file) and at stop.
 */
public final class SavedReplayCache
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.antireplay");

    private final ReplayCacheFile file;
    private final FingerprintCache cache;
    private final long loaded;
    private final long dropped;
    private long savedAtRecorded;

    private SavedReplayCache(final ReplayCacheFile file, final ReplayCacheFile.Loaded loaded)
    {
        this.file = file;
        this.cache = loaded.cache();
        this.loaded = loaded.loaded();
        this.dropped = loaded.dropped();
        savedAtRecorded = cache.recordedKeys();
    }

    /**
     * Load the saved cache, checking that the directory can be written so the first save does not fail.
     *
     * @param dir         the state directory.
     * @param maxBytes    the cache's bound, above 0.
     * @param retentionMs how long after its last record a saved generation is still kept, or
     *                    {@link ReplayCacheFile#KEEP_ALL}.
     * @param nowMs       wall-clock time now.
     * @return the cache.
     * @throws UncheckedIOException with a plain message when the directory cannot be written or the file read.
     */
    public static SavedReplayCache open(final Path dir, final long maxBytes, final long retentionMs,
        final long nowMs)
    {
        final StateDir stateDir = new StateDir(dir);
        final ReplayCacheFile file = new ReplayCacheFile(stateDir);
        try
        {
            stateDir.checkWritable();
            return new SavedReplayCache(file, file.load(maxBytes, retentionMs, nowMs));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex.getMessage(), ex);
        }
    }

    /**
     * @return the cache the handshakes use.
     */
    public AntiReplayCache cache()
    {
        return cache;
    }

    /**
     * @return keys loaded from the file at start.
     */
    public long loaded()
    {
        return loaded;
    }

    /**
     * @return keys of the file left out at start as older than the retention.
     */
    public long dropped()
    {
        return dropped;
    }

    /**
     * @return the file.
     */
    public Path file()
    {
        return file.file();
    }

    /**
     * Save when keys were recorded since the last save; a failure is logged and tried again at the next call.
     */
    public synchronized void saveIfChanged()
    {
        final long recorded = cache.recordedKeys();
        if (recorded == savedAtRecorded)
        {
            return;
        }
        try
        {
            file.save(cache);
            savedAtRecorded = recorded;
        }
        catch (final IOException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "{0}; handshakes seen since the last save would be forgotten by a " +
                "restart now", ex.getMessage());
        }
    }
}
