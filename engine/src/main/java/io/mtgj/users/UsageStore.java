package io.mtgj.users;

import io.mtgj.config.FileErrors;
import io.mtgj.state.StateDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps each user's {@link Usage} across restarts in {@code users-usage.tsv} in a state directory: a tab-separated
 * text file an operator can read, replaced atomically on each save.
 */
public final class UsageStore
{
    /** Name of the usage file inside the state directory. */
    public static final String FILE_NAME = "users-usage.tsv";

    private static final System.Logger LOG = System.getLogger("io.mtgj.users");
    private static final String HEADER = "# name\tperiod-start\tbytes\tconnections";
    private static final int FIELDS = 4;

    private final StateDir dir;
    private final Path file;

    /**
     * @param dir the state directory; created on the first save when missing.
     */
    public UsageStore(final Path dir)
    {
        this.dir = new StateDir(dir);
        this.file = this.dir.file(FILE_NAME);
    }

    /**
     * @return the usage file, {@code dir/users-usage.tsv}.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Read the saved usage. A line that cannot be read is skipped with a warning naming the file and line, so one
     * damaged line costs one user's count, not everyone's.
     *
     * @return usage by user name, in the order of the file; empty when the file or the directory does not exist.
     * @throws UncheckedIOException with a plain message when the file exists but cannot be read: starting from
     *                              zero then would silently reset every quota.
     */
    public Map<String, Usage> load()
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return new LinkedHashMap<>();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read usage file " + file + ": " + FileErrors.reason(ex), ex);
        }
        // malformed UTF-8 becomes U+FFFD, which no name allows, so such a line is skipped like any other bad one
        final String text = new String(bytes, StandardCharsets.UTF_8);
        final Map<String, Usage> usage = new LinkedHashMap<>();
        int lineNumber = 0;
        for (final String line : (Iterable<String>)text.lines()::iterator)
        {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\t", -1);
            final String problem = check(fields, usage);
            if (null != problem)
            {
                LOG.log(System.Logger.Level.WARNING, "usage file {0} line {1} skipped: {2}", file, lineNumber,
                    problem);
                continue;
            }
            usage.put(fields[0], new Usage(Instant.parse(fields[1]).toEpochMilli(), Long.parseLong(fields[2]),
                Integer.parseInt(fields[3])));
        }
        return usage;
    }

    /**
     * @return null when the fields make a usage line, else what is wrong with them.
     */
    private static String check(final String[] fields, final Map<String, Usage> usage)
    {
        if (fields.length != FIELDS)
        {
            return "expected " + FIELDS + " tab-separated fields (name, period start, bytes, connections), found " +
                fields.length;
        }
        if (!UserSpec.isValidName(fields[0]))
        {
            return "bad user name";
        }
        if (usage.containsKey(fields[0]))
        {
            return "user " + fields[0] + " appears twice";
        }
        try
        {
            Instant.parse(fields[1]).toEpochMilli();
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            return "bad period start '" + fields[1] + "', expected an instant such as 2027-06-01T00:00:00Z";
        }
        if (!isCount(fields[2], Long.MAX_VALUE))
        {
            return "bad byte count '" + fields[2] + "'";
        }
        if (!isCount(fields[3], Integer.MAX_VALUE))
        {
            return "bad connection count '" + fields[3] + "'";
        }
        return null;
    }

    private static boolean isCount(final String text, final long max)
    {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            return false;
        }
        try
        {
            return Long.parseLong(text) <= max;
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
    }

    /**
     * Replace the usage file: a crash at any moment leaves either the old file or the new one, never a torn mix.
     *
     * @param usage usage by user name; written sorted by name.
     * @throws IOException with a plain message naming the file when the directory or the file cannot be written.
     * @throws IllegalArgumentException when a name is not a valid user name (it could break the file's format).
     */
    public void save(final Map<String, Usage> usage) throws IOException
    {
        final StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (final Map.Entry<String, Usage> entry : new TreeMap<>(usage).entrySet())
        {
            final String name = entry.getKey();
            if (!UserSpec.isValidName(name))
            {
                throw new IllegalArgumentException("bad user name '" + name + "' in usage to save");
            }
            final Usage value = entry.getValue();
            text.append(name).append('\t').append(Instant.ofEpochMilli(value.periodStartMs())).append('\t')
                .append(value.bytes()).append('\t').append(value.connections()).append('\n');
        }

        final byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        dir.replace(FILE_NAME, "usage file", out -> out.write(bytes));
    }

    /**
     * Check now, at start, that {@link #save(Map)} will be able to write: create the directory when missing and
     * write and delete a small file in it.
     *
     * @throws IOException with a plain message naming the directory when it cannot be created or written.
     */
    public void checkWritable() throws IOException
    {
        dir.checkWritable();
    }
}
