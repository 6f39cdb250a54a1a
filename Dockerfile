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
# Healthy when the running server answers /healthz, which checks its
# database; `ateval health` asks it over HTTP (the image has no curl) and
# opens no database of its own.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["/usr/local/bin/ateval", "health", "--url", "http://127.0.0.1:8080/healthz", "--timeout", "4s"]
ENTRYPOINT ["/usr/local/bin/ateval"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
