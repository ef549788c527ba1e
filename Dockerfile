# mtg for the JVM in a container: the jlink runtime image (make image) on a slim glibc base, no JDK inside.
#   make docker                      (or: docker build -t mtg-jvm .)
#   docker run -d --name mtg --ulimit nofile=65536:65536 -p 443:3128 mtg-jvm run -4 203.0.113.7:443 <secret>
# Logs go to stderr (docker logs), the links to stdout. docker stop sends SIGTERM: new clients are refused, open
# ones get --shutdown-timeout (5 s, inside Docker's 10 s grace) and mtg exits 0.
# Open files: --max-connections defaults to what the open-file limit allows (two descriptors per client), and that
# limit comes from Docker (its daemon's default, or --ulimit nofile=<soft>:<hard> as above), not from the image. The
# launcher raises the soft limit to the hard one (at most 65536, or MTG_NOFILE), so the hard limit is what counts.

# Build stage: the same Debian 12 JDK 17 and `make image` as a developer machine. Needs Maven Central.
FROM debian:bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        openjdk-17-jdk-headless maven make binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make image

# Runtime: Debian 12's own slim image, because the JVM of Debian's JDK links against its glibc, libstdc++ and zlib.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mtg
# COPY keeps file times, which the class-data-sharing archive checks against lib/mtg.jar.
COPY --from=build /src/jlink/target/image /opt/mtg
USER mtg
EXPOSE 3128
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/mtg/bin/mtg"]
CMD ["--help"]
