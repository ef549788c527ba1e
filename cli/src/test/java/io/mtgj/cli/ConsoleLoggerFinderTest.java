package io.mtgj.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ConsoleLoggerFinderTest
{
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final System.Logger logger = System.getLogger("io.mtgj.test");

    @BeforeEach
    void capture()
    {
        ConsoleLoggerFinder.output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        ConsoleLoggerFinder.threshold(System.Logger.Level.INFO);
    }

    @AfterEach
    void restore()
    {
        ConsoleLoggerFinder.output(null);
        ConsoleLoggerFinder.threshold(System.Logger.Level.INFO);
    }

    private List<String> lines()
    {
        final String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
    }

    @Test
    void shouldBeTheRegisteredFinder()
    {
        assertInstanceOf(ConsoleLoggerFinder.class, System.LoggerFinder.getLoggerFinder());
        assertInstanceOf(ConsoleLoggerFinder.ConsoleLogger.class, logger);
        assertEquals("io.mtgj.test", logger.getName());
    }

    @Test
    void shouldWriteTimeLevelNameAndMessage()
    {
        logger.log(System.Logger.Level.INFO, "proxy started bind={0} workers={1} read_buffer={2}", "127.0.0.1:3128",
            4, 32768);
        logger.log(System.Logger.Level.WARNING, "no params so '{0}' stays");

        final List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches(TIME + " INFO io\\.mtgj\\.test proxy started bind=127\\.0\\.0\\.1:3128 " +
            "workers=4 read_buffer=32768"), lines.get(0));
        assertTrue(lines.get(1).matches(TIME + " WARNING io\\.mtgj\\.test no params so '\\{0\\}' stays"),
            lines.get(1));
    }

    @Test
    void shouldFollowTheThreshold()
    {
        logger.log(System.Logger.Level.DEBUG, "hidden");
        assertFalse(logger.isLoggable(System.Logger.Level.DEBUG));
        assertTrue(logger.isLoggable(System.Logger.Level.INFO));

        ConsoleLoggerFinder.threshold(System.Logger.Level.DEBUG);
        logger.log(System.Logger.Level.DEBUG, "shown");
        logger.log(System.Logger.Level.TRACE, "hidden");

        ConsoleLoggerFinder.threshold(System.Logger.Level.TRACE);
        logger.log(System.Logger.Level.TRACE, "shown too");
        assertFalse(logger.isLoggable(System.Logger.Level.OFF));

        final List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(" DEBUG io.mtgj.test shown"), lines.get(0));
        assertTrue(lines.get(1).endsWith(" TRACE io.mtgj.test shown too"), lines.get(1));
    }

    @Test
    void shouldKeepOtherLibrariesDebugLinesForDebugMode()
    {
        final System.Logger jdk = System.getLogger("com.sun.net.httpserver");
        ConsoleLoggerFinder.threshold(System.Logger.Level.DEBUG);
        jdk.log(System.Logger.Level.DEBUG, "hidden at -v: one line per scrape");
        jdk.log(System.Logger.Level.WARNING, "shown");
        assertFalse(jdk.isLoggable(System.Logger.Level.DEBUG));

        ConsoleLoggerFinder.threshold(System.Logger.Level.TRACE);
        jdk.log(System.Logger.Level.DEBUG, "shown at -d");

        final List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(" WARNING com.sun.net.httpserver shown"), lines.get(0));
        assertTrue(lines.get(1).endsWith(" DEBUG com.sun.net.httpserver shown at -d"), lines.get(1));
    }

    @Test
    void shouldAppendTheStackTrace()
    {
        logger.log(System.Logger.Level.ERROR, "handler crashed", new IllegalStateException("boom"));

        final List<String> lines = lines();
        assertTrue(lines.get(0).matches(TIME + " ERROR io\\.mtgj\\.test handler crashed"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: boom", lines.get(1));
        assertTrue(lines.get(2).trim().startsWith("at io.mtgj.cli.ConsoleLoggerFinderTest."), lines.get(2));
    }

    @Test
    void shouldNotInterleaveLinesFromManyThreads() throws InterruptedException
    {
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++)
        {
            final int id = t;
            final Thread thread = new Thread(() ->
            {
                for (int i = 0; i < 200; i++)
                {
                    logger.log(System.Logger.Level.INFO, "thread={0} line={1} padding=" + "x".repeat(100), id, i);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }

        final List<String> lines = lines();
        assertEquals(8 * 200, lines.size());
        for (final String line : lines)
        {
            assertTrue(line.matches(TIME + " INFO io\\.mtgj\\.test thread=\\d line=\\d+ padding=x{100}"), line);
        }
    }
}
