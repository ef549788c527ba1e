package io.mtgj.cli;

import org.apache.commons.cli.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class RunFlagTest
{
    @Test
    void shouldListEveryOptionInTheMarkdownTable()
    {
        final String table = RunFlag.markdownTable();
        final List<String> rows = List.of(table.split("\n"));

        assertEquals("| Flag | Environment | Default | Meaning |", rows.get(0));
        assertEquals("|---|---|---|---|", rows.get(1));
        assertEquals(RunFlag.commandLineOptions().getOptions().size(), rows.size() - 2, table);
        for (final Option option : RunFlag.commandLineOptions().getOptions())
        {
            final String longName = "`--" + option.getLongOpt();
            final String row = rows.stream().filter(r -> r.contains(longName + "`") || r.contains(longName + " "))
                .findFirst().orElse(null);
            assertTrue(null != row, "no row for " + longName + " in\n" + table);
            if (null != option.getOpt())
            {
                assertTrue(row.startsWith("| `-" + option.getOpt() + "`, "), row);
            }
            assertTrue(row.contains(option.getDescription()), row);
            assertEquals(5, row.split("(?<!\\\\)\\|", -1).length - 1, row);
        }
        for (final RunFlag flag : RunFlag.values())
        {
            if (null != flag.envName())
            {
                assertTrue(table.contains("| `" + flag.envName() + "` |"), flag.envName());
            }
        }
    }

    @Test
    void shouldBeTheTableInTheReadme() throws java.io.IOException
    {
        // Surefire runs in the module folder; the README is the project's.
        final String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        assertTrue(readme.contains(RunFlag.markdownTable()),
            "README.md's flag table is out of date; replace it with:\n" + RunFlag.markdownTable());
    }

    @Test
    void shouldKeepNamesUnique()
    {
        final Set<String> longNames = new HashSet<>();
        final Set<String> shortNames = new HashSet<>();
        final Set<String> envNames = new HashSet<>();
        for (final RunFlag flag : RunFlag.values())
        {
            assertTrue(longNames.add(flag.longName()), flag.longName());
            assertTrue(null == flag.shortName() || shortNames.add(flag.shortName()), flag.longName());
            if (RunFlag.HELP != flag)
            {
                assertTrue(flag.envName().startsWith("MTG_"), flag.envName());
                assertTrue(envNames.add(flag.envName()), flag.envName());
                assertTrue(null != flag.defaultText(), flag.name());
            }
        }
    }

    @Test
    void shouldFitTheUsageIn120Columns()
    {
        for (final String line : RunFlag.usage().split("\n"))
        {
            assertTrue(line.length() <= 120, line);
            assertTrue(line.isEmpty() || !line.endsWith(" "), "trailing space: '" + line + "'");
        }
    }
}
