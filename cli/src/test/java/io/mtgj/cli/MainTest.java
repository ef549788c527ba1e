package io.mtgj.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MainTest
{
    private final Console console = new Console();

    private int run(final String... args)
    {
        // a run that unexpectedly starts is closed at once instead of blocking the test
        return Main.run(args, Map.of(), console.out, console.err, RunCommand.Running::close);
    }

    @Test
    void shouldPrintUsageForHelp()
    {
        for (final String flag : new String[] {"--help", "-h"})
        {
            final Console console = new Console();
            assertEquals(0, Main.run(new String[] {flag}, Map.of(), console.out, console.err));
            assertTrue(console.out().startsWith("Usage: mtg "), console.out());
            assertTrue(console.out().contains("\n  run "), console.out());
            assertTrue(console.out().contains("\n  generate-secret "), console.out());
            assertEquals("", console.err());
        }
    }

    @Test
    void shouldPrintTheFilteredVersion()
    {
        assertEquals(0, run("--version"));

        assertEquals(1, console.outLines().size(), console.out());
        final String line = console.outLines().get(0);
        assertTrue(line.matches("mtg \\d+\\.\\d+\\.\\d+\\S*"), line);
        assertFalse(line.contains("${"), line);
        assertEquals("", console.err());
    }

    @Test
    void shouldPrintUsageOnErrorWithoutArguments()
    {
        assertEquals(2, run());

        assertTrue(console.err().startsWith("Usage: mtg "), console.err());
        assertEquals("", console.out());
    }

    @Test
    void shouldRejectAnUnknownCommand()
    {
        assertEquals(2, run("frobnicate"));

        assertEquals("mtg: unknown command 'frobnicate'", console.errLines().get(0));
        assertTrue(console.err().contains("Usage: mtg "), console.err());
        assertEquals("", console.out());
    }

    @Test
    void shouldPrintRunHelpWithEveryFlag()
    {
        assertEquals(0, run("run", "--help"));

        final String help = console.out();
        assertTrue(help.startsWith(RunFlag.USAGE_LINE), help);
        for (final RunFlag flag : RunFlag.values())
        {
            assertTrue(help.contains(flag.synopsis()), flag.synopsis());
            if (null != flag.envName())
            {
                // Long defaults (URLs) wrap onto the next line: compare with the wrapping undone.
                assertTrue(help.replaceAll("\\s+", " ").contains("env " + flag.envName() + ", default " +
                    flag.defaultText()), flag.name());
            }
        }
        assertEquals("", console.err());
    }

    @Test
    void shouldPrintRunHelpEvenWithOtherArguments()
    {
        assertEquals(0, run("run", "-b", "127.0.0.1:0", "-h", "whatever"));

        assertTrue(console.out().startsWith(RunFlag.USAGE_LINE), console.out());
    }

    @Test
    void shouldDispatchGenerateSecret()
    {
        assertEquals(0, run("generate-secret", "secured"));

        assertTrue(console.out().matches("dd[0-9a-f]{32}\\R"), console.out());
    }
}
