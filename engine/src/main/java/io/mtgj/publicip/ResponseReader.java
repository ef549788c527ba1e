package io.mtgj.publicip;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads one HTTP/1.1 response from a blocking socket, bounded in size and in time: each read gets only what is left
 * of the deadline as its socket timeout, so a server that drips bytes cannot hold us past it. Knows Content-Length,
 * chunked bodies and bodies that end when the connection closes; nothing else of HTTP is needed for a short
 * {@code text/plain} answer.
 */
final class ResponseReader
{
    /** Longest status line plus headers we read. */
    static final int MAX_HEADER_LENGTH = 8192;
    /** Longest body we accept: an IP literal needs 45 bytes, 4 KiB leaves room for whitespace and noise. */
    static final int MAX_BODY_LENGTH = 4096;
    private static final int MAX_CHUNK_LINE_LENGTH = 1024;
    private static final int MAX_CHUNK_SIZE_DIGITS = 7;

    private final Socket socket;
    private final InputStream in;
    private final long deadlineNs;
    private final byte[] buffer = new byte[1024];
    private int position;
    private int limit;
    private int headerLength;

    /**
     * @param socket     a connected socket, plain or TLS.
     * @param deadlineNs {@link System#nanoTime()} by which the whole response must have arrived.
     * @throws IOException when the socket's stream cannot be opened.
     */
    ResponseReader(final Socket socket, final long deadlineNs) throws IOException
    {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadlineNs = deadlineNs;
    }

    /**
     * @return the body of a {@code 200} response.
     * @throws IOException on another status, a malformed or oversized response, a timeout or a network error.
     */
    byte[] readOkBody() throws IOException
    {
        final String statusLine = readHeaderLine();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 ||
            (statusLine.length() > 12 && statusLine.charAt(12) != ' '))
        {
            throw new IOException("not an HTTP/1.x status line: '" + printable(statusLine) + "'");
        }
        final String status = statusLine.substring(9, 12);
        if (!"200".equals(status))
        {
            throw new IOException("HTTP status " + printable(status));
        }

        boolean chunked = false;
        long contentLength = -1;
        for (String line = readHeaderLine(); !line.isEmpty(); line = readHeaderLine())
        {
            final int colon = line.indexOf(':');
            if (colon <= 0)
            {
                throw new IOException("malformed header line '" + printable(line) + "'");
            }
            final String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            final String value = line.substring(colon + 1).trim();
            if ("transfer-encoding".equals(name) && value.toLowerCase(Locale.ROOT).contains("chunked"))
            {
                chunked = true;
            }
            else if ("content-length".equals(name))
            {
                contentLength = parseContentLength(value);
            }
        }

        if (chunked)
        {
            return readChunkedBody();
        }
        return contentLength >= 0 ? readExactly((int)contentLength) : readUntilClose();
    }

    private static long parseContentLength(final String value) throws IOException
    {
        if (value.isEmpty() || value.length() > 10)
        {
            throw new IOException("bad Content-Length '" + printable(value) + "'");
        }
        for (int i = 0; i < value.length(); i++)
        {
            if (value.charAt(i) < '0' || value.charAt(i) > '9')
            {
                throw new IOException("bad Content-Length '" + printable(value) + "'");
            }
        }
        final long length = Long.parseLong(value);
        if (length > MAX_BODY_LENGTH)
        {
            throw new IOException("body of " + length + " bytes is longer than " + MAX_BODY_LENGTH);
        }
        return length;
    }

    private byte[] readExactly(final int length) throws IOException
    {
        final byte[] body = new byte[length];
        for (int i = 0; i < length; i++)
        {
            final int b = read();
            if (b < 0)
            {
                throw new IOException("connection closed after " + i + " of " + length + " body bytes");
            }
            body[i] = (byte)b;
        }
        return body;
    }

    private byte[] readUntilClose() throws IOException
    {
        final byte[] body = new byte[MAX_BODY_LENGTH];
        int length = 0;
        for (int b = read(); b >= 0; b = read())
        {
            if (length == MAX_BODY_LENGTH)
            {
                throw new IOException("body longer than " + MAX_BODY_LENGTH + " bytes");
            }
            body[length++] = (byte)b;
        }
        return Arrays.copyOf(body, length);
    }

    private byte[] readChunkedBody() throws IOException
    {
        final byte[] body = new byte[MAX_BODY_LENGTH];
        int length = 0;
        while (true)
        {
            final String sizeLine = readLine(MAX_CHUNK_LINE_LENGTH);
            final int semicolon = sizeLine.indexOf(';');
            final String digits = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            final int size = parseChunkSize(digits);
            if (0 == size)
            {
                return Arrays.copyOf(body, length); // trailers, if any, are of no interest
            }
            if (size > MAX_BODY_LENGTH - length)
            {
                throw new IOException("chunked body longer than " + MAX_BODY_LENGTH + " bytes");
            }
            for (int i = 0; i < size; i++)
            {
                final int b = read();
                if (b < 0)
                {
                    throw new IOException("connection closed inside a chunk");
                }
                body[length++] = (byte)b;
            }
            if (!readLine(MAX_CHUNK_LINE_LENGTH).isEmpty())
            {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private static int parseChunkSize(final String digits) throws IOException
    {
        if (digits.isEmpty() || digits.length() > MAX_CHUNK_SIZE_DIGITS)
        {
            throw new IOException("bad chunk size '" + printable(digits) + "'");
        }
        int size = 0;
        for (int i = 0; i < digits.length(); i++)
        {
            final int digit = Character.digit(digits.charAt(i), 16);
            if (digit < 0)
            {
                throw new IOException("bad chunk size '" + printable(digits) + "'");
            }
            size = (size << 4) | digit;
        }
        return size;
    }

    private String readHeaderLine() throws IOException
    {
        final String line = readLine(MAX_HEADER_LENGTH - headerLength);
        headerLength += line.length() + 2;
        return line;
    }

    private String readLine(final int maxLength) throws IOException
    {
        final StringBuilder line = new StringBuilder(64);
        while (true)
        {
            final int b = read();
            if (b < 0)
            {
                throw new IOException("connection closed inside the response head");
            }
            if (b == '\n')
            {
                final int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r')
                {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= maxLength)
            {
                throw new IOException("response line or head too long");
            }
            line.append((char)b);
        }
    }

    private int read() throws IOException
    {
        if (position == limit)
        {
            final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (remainingMs <= 0)
            {
                throw new SocketTimeoutException("no complete answer within the timeout");
            }
            socket.setSoTimeout((int)Math.min(Integer.MAX_VALUE, remainingMs));
            final int count = in.read(buffer);
            if (count < 0)
            {
                return -1;
            }
            position = 0;
            limit = count;
        }
        return buffer[position++] & 0xff;
    }

    private static String printable(final String text)
    {
        final String head = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        final byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++)
        {
            if (bytes[i] < 0x20 || bytes[i] > 0x7e)
            {
                bytes[i] = '?';
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
