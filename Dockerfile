# syntax=docker/dockerfile:1
# Build: docker build -t bhytbot .
# Run:   docker run -d -v bhytbot-data:/data -v $PWD/config.yaml:/config/config.yaml:ro \
#          -e BHYTBOT_TELEGRAM_TOKEN=... bhytbot

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# cgo is required by mattn/go-sqlite3; .ci/run builds with these same flags.
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/bhytbot ./cmd/bhytbot

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data bhytbot \
    && mkdir -p /data /config && chown bhytbot /data
COPY --from=build /out/bhytbot /usr/local/bin/bhytbot
COPY config.example.yaml /config/config.yaml
ENV BHYTBOT_DATABASE_PATH=/data/bhytbot.db \
    BHYTBOT_ADMIN_HTTP_LISTEN=:9090
VOLUME /data
EXPOSE 8443 9090
USER bhytbot
WORKDIR /data
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:9090/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/bhytbot", "-config", "/config/config.yaml"]
CMD ["serve"]
