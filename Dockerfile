# syntax=docker/dockerfile:1
# Build: the SQLite driver is cgo, so the build stage has a C compiler.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/ateval ./cmd/ateval

# Run: a small Debian with only the C library the binary links against.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data ateval \
    && mkdir -p /data && chown ateval /data
COPY --from=build /out/ateval /usr/local/bin/ateval
USER ateval
VOLUME ["/data"]
ENV ATEVAL_DB=/data/ateval.db
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/ateval", "status", "--db", "/data/ateval.db"]
ENTRYPOINT ["/usr/local/bin/ateval"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
