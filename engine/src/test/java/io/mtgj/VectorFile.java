package io.mtgj;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code key=value} blocks of the vector files under {@code vectors/}: one case per block, blank lines
 * between cases, {@code #} comments.
 */
public final class VectorFile
{
    private VectorFile()
    {
    }

    /**
     * @param resource a classpath resource, e.g. {@code /vectors/obfuscated2/client-handshakes.txt}.
     * @return one map per case, in file order.
     * @throws IOException when the resource is missing.
     */
    public static List<Map<String, String>> load(final String resource) throws IOException
    {
        try (InputStream in = VectorFile.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                throw new IOException("missing resource " + resource);
            }
            final List<Map<String, String>> cases = new ArrayList<>();
            Map<String, String> current = new LinkedHashMap<>();
            for (final String raw : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
            {
                final String line = raw.trim();
                if (line.startsWith("#"))
                {
                    continue;
                }
                if (line.isEmpty())
                {
                    if (!current.isEmpty())
                    {
                        cases.add(current);
                        current = new LinkedHashMap<>();
                    }
                    continue;
                }
                final int eq = line.indexOf('=');
                current.put(line.substring(0, eq), line.substring(eq + 1));
            }
            if (!current.isEmpty())
            {
                cases.add(current);
            }
            return cases;
        }
    }
}
