package io.mtgj.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The process's {@link System.LoggerFinder} (style.md 8), registered in {@code META-INF/services}: every logger writes
 * {@code 2026-11-25T08:30:00.123Z INFO logger-name message} lines to stderr, INFO and up unless {@code -v} (DEBUG) or
 * {@code -d} (TRACE) lowers the threshold. Output is the same on the JDK and in a jlink image without
 * {@code java.logging}. DEBUG and TRACE lines of loggers outside {@code io.mtgj} (the JDK's HTTP server logs every
 * metrics scrape at DEBUG) are written only with {@code -d}, so {@code -v} stays one line per client connection event.
 */
public final class ConsoleLoggerFinder extends System.LoggerFinder
{
    private static final String OWN_LOGGERS = "io.mtgj";

    private static volatile System.Logger.Level threshold = System.Logger.Level.INFO;
    private static volatile PrintStream output;

    /**
     * Called by {@link java.util.ServiceLoader}.
     */
    public ConsoleLoggerFinder()
    {
    }

    /**
     * @param level the lowest level written from now on, for every logger; {@code mtg run} sets it from -v/-d, tests
     *              (end-to-end ones in other modules too) from their own needs.
     */
    public static void threshold(final System.Logger.Level level)
    {
        threshold = level;
    }

    /**
     * @return the lowest level written.
     */
    public static System.Logger.Level threshold()
    {
        return threshold;
    }

    /**
     * @param stream where lines go, or null for the current {@link System#err}; for tests that capture the log.
     */
    public static void output(final PrintStream stream)
    {
        output = stream;
    }

    @Override
    public System.Logger getLogger(final String name, final Module module)
    {
        return new ConsoleLogger(name, !name.startsWith(OWN_LOGGERS));
    }

    static final class ConsoleLogger implements System.Logger
    {
        private final String name;
        private final boolean foreign;

        ConsoleLogger(final String name, final boolean foreign)
        {
            this.name = name;
            this.foreign = foreign;
        }

        @Override
        public String getName()
        {
            return name;
        }

        @Override
        public boolean isLoggable(final Level level)
        {
            if (Level.OFF == level)
            {
                return false;
            }
            final Level current = threshold;
            if (foreign && level.getSeverity() < Level.INFO.getSeverity())
            {
                return current.getSeverity() <= Level.TRACE.getSeverity();
            }
            return level.getSeverity() >= current.getSeverity();
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String msg, final Throwable thrown)
        {
            if (isLoggable(level))
            {
                write(level, localize(bundle, msg), thrown);
            }
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params)
        {
            if (isLoggable(level))
            {
                write(level, format(localize(bundle, format), params), null);
            }
        }

        private static String localize(final ResourceBundle bundle, final String msg)
        {
            return null != bundle && null != msg && bundle.containsKey(msg) ? bundle.getString(msg) : msg;
        }

        private static String format(final String pattern, final Object[] params)
        {
            if (null == params || 0 == params.length || null == pattern)
            {
                return pattern;
            }
            final Object[] args = params.clone();
            for (int i = 0; i < args.length; i++)
            {
                if (args[i] instanceof Number)
                {
                    args[i] = args[i].toString(); // key=32768, not key=32,768
                }
            }
            try
            {
                return new MessageFormat(pattern, Locale.ROOT).format(args);
            }
            catch (final IllegalArgumentException ex)
            {
                return pattern + " " + Arrays.toString(params);
            }
        }

        private void write(final Level level, final String message, final Throwable thrown)
        {
            final StringBuilder line = new StringBuilder(128);
            UtcTimestamp.append(line, System.currentTimeMillis()).append(' ').append(level.getName()).append(' ')
                .append(name).append(' ').append(message).append(System.lineSeparator());
            if (null != thrown)
            {
                final StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            final PrintStream stream = null == output ? System.err : output;
            synchronized (stream)
            {
                stream.print(line);
                stream.flush();
            }
        }
    }
}
