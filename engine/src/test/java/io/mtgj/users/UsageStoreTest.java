package io.mtgj.users;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class UsageStoreTest
{
    private static final long JUNE = Instant.parse("2027-06-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private final List<LogRecord> warnings = new ArrayList<>();
    private final Logger julLogger = Logger.getLogger("io.mtgj.users");
    private final Handler handler = new Handler()
    {
        @Override
        public void publish(final LogRecord record)
        {
            if (record.getLevel().intValue() >= Level.WARNING.intValue())
            {
                warnings.add(record);
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    };

    @BeforeEach
    void captureWarnings()
    {
        julLogger.addHandler(handler);
    }

    @AfterEach
    void stopCapturing()
    {
        julLogger.removeHandler(handler);
    }

    private List<String> dirListing(final Path in) throws IOException
    {
        try (Stream<Path> files = Files.list(in))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldRoundTripUsage() throws Exception
    {
        final UsageStore store = new UsageStore(dir.resolve("state"));
        final Map<String, Usage> usage = new LinkedHashMap<>();
        usage.put("bob", new Usage(JUNE, 53_687_091_200L, 3));
        usage.put("alice", new Usage(0, 0, 0));
        usage.put("k.i-o_sk", new Usage(JUNE + 86_400_000L, Long.MAX_VALUE, Integer.MAX_VALUE));

        store.save(usage);

        assertEquals(dir.resolve("state").resolve("users-usage.tsv"), store.file());
        assertEquals(usage, store.load());
        assertEquals(usage, new UsageStore(dir.resolve("state")).load());
        final List<String> lines = Files.readAllLines(store.file());
        assertEquals("# name\tperiod-start\tbytes\tconnections", lines.get(0));
        assertEquals("alice\t1970-01-01T00:00:00Z\t0\t0", lines.get(1));
        assertEquals("bob\t2027-06-01T00:00:00Z\t53687091200\t3", lines.get(2));
        assertEquals(4, lines.size());
    }

    @Test
    void shouldLoadNothingWithoutAFileOrDirectory() throws Exception
    {
        assertEquals(Map.of(), new UsageStore(dir).load());
        assertEquals(Map.of(), new UsageStore(dir.resolve("not").resolve("there")).load());
        new UsageStore(dir).save(Map.of());
        assertEquals(Map.of(), new UsageStore(dir).load());
    }

    @Test
    void shouldSkipLinesItCannotRead() throws Exception
    {
        final UsageStore store = new UsageStore(dir);
        Files.write(store.file(), String.join("\n",
            "# name\tperiod-start\tbytes\tconnections",
            "alice\t2027-06-01T00:00:00Z\t100\t1",
            "broken line without tabs",
            "bad name\t2027-06-01T00:00:00Z\t1\t1",
            "carol\tyesterday\t1\t1",
            "dave\t2027-06-01T00:00:00Z\t-5\t1",
            "erin\t2027-06-01T00:00:00Z\t5\tmany",
            "frank\t2027-06-01T00:00:00Z\t99999999999999999999\t1",
            "alice\t2027-06-01T00:00:00Z\t7\t0",
            "gina\t2027-06-01T00:00:00Z\t5\t1\textra",
            "",
            "bob\t2027-06-02T00:00:00Z\t200\t0",
            "").getBytes(StandardCharsets.UTF_8));

        final Map<String, Usage> usage = store.load();

        assertEquals(Map.of("alice", new Usage(JUNE, 100, 1), "bob", new Usage(JUNE + 86_400_000L, 200, 0)), usage);
        assertEquals(List.of("alice", "bob"), new ArrayList<>(usage.keySet()));
        assertEquals(8, warnings.size(), warnings.toString());
        final String first = warnings.get(0).getMessage();
        final Object[] parameters = warnings.get(0).getParameters();
        assertTrue(first.contains("skipped"), first);
        assertEquals(store.file(), parameters[0]);
        assertEquals(3, parameters[1]);
    }

    @Test
    void shouldReplaceTheFileLeavingNoTemporaryFile() throws Exception
    {
        final UsageStore store = new UsageStore(dir);
        store.save(Map.of("alice", new Usage(JUNE, 1, 1), "bob", new Usage(JUNE, 2, 2)));
        store.save(Map.of("alice", new Usage(JUNE, 10, 0)));

        assertEquals(Map.of("alice", new Usage(JUNE, 10, 0)), store.load());
        assertEquals(List.of("users-usage.tsv"), dirListing(dir));
    }

    @Test
    void shouldLeaveTheOldFileAndNoTemporaryFileWhenTheReplaceFails() throws Exception
    {
        final UsageStore store = new UsageStore(dir);
        // a non-empty directory where the file goes cannot be replaced, so the move fails after the write
        Files.createDirectories(store.file().resolve("in-the-way"));

        final Map<String, Usage> usage = Map.of("alice", new Usage(JUNE, 1, 1));
        final IOException ex = assertThrows(IOException.class, () -> store.save(usage));
        assertEquals("cannot save usage file " + store.file() + ": is a directory", ex.getMessage());
        assertEquals(List.of("users-usage.tsv"), dirListing(dir));
        assertEquals(List.of("in-the-way"), dirListing(store.file()));
    }

    @Test
    void shouldRefuseNamesThatWouldBreakTheFile()
    {
        final UsageStore store = new UsageStore(dir);

        assertThrows(IllegalArgumentException.class, () -> store.save(Map.of("a\tb", new Usage(0, 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> store.save(Map.of("a\nb", new Usage(0, 1, 1))));
    }

    @Test
    void shouldExplainAFileThatCannotBeRead() throws Exception
    {
        final UsageStore store = new UsageStore(dir);
        Files.createDirectories(store.file());

        final UncheckedIOException ex = assertThrows(UncheckedIOException.class, store::load);
        assertTrue(ex.getMessage().startsWith("cannot read usage file " + store.file() + ": "), ex.getMessage());
        assertTrue(ex.getMessage().contains("is a directory"), ex.getMessage());
    }

    @Test
    void shouldCreateAMissingStateDirectoryWhenChecked() throws Exception
    {
        final Path state = dir.resolve("a").resolve("b");
        new UsageStore(state).checkWritable();

        assertTrue(Files.isDirectory(state));
        assertEquals(List.of(), dirListing(state));
    }

    @Test
    void shouldExplainAStateDirectoryThatIsAFile() throws Exception
    {
        final Path file = dir.resolve("file");
        Files.writeString(file, "x");

        final IOException ex = assertThrows(IOException.class, () -> new UsageStore(file).checkWritable());
        assertEquals("cannot create state directory " + file + ": exists and is not a directory", ex.getMessage());
    }

    @Test
    void shouldExplainAReadOnlyStateDirectory() throws Exception
    {
        final Path readOnly = dir.resolve("read-only");
        Files.createDirectories(readOnly);
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
        try
        {
            // root writes in any ordinary directory, but not in sysfs: CI runs as root
            final Path state = Files.isWritable(readOnly) ? Path.of("/sys/kernel") : readOnly;
            Assumptions.assumeTrue(Files.isDirectory(state), "no directory root cannot write in");
            final IOException ex = assertThrows(IOException.class, () -> new UsageStore(state).checkWritable());
            assertEquals("cannot write in state directory " + state + ": permission denied", ex.getMessage());
            assertThrows(IOException.class, () -> new UsageStore(state).save(Map.of()));
        }
        finally
        {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
