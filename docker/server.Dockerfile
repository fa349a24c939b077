# CounterWatch server: mediasoup SFU, REST, signalling, storage, recording.
# Builds the mediasoup worker against Debian 12's libraries, like `npm start` does.
#   docker build -f docker/server.Dockerfile -t counterwatch-server .
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      meson ninja-build pkg-config g++ make python3 \
      libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev \
      flatbuffers-compiler libflatbuffers-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json .npmrc tsconfig.base.json tsconfig.json ./
# Only the worker's build scripts: a change to bootstrap must not invalidate the worker's compile layer.
COPY scripts/mediasoup-worker.mjs scripts/mediasoup-subprojects.mjs ./scripts/
COPY shared/package.json shared/
COPY sfu-server/package.json sfu-server/
COPY agent/package.json agent/
COPY console/package.json console/
COPY demo/package.json demo/
COPY tests/package.json tests/
ENV COUNTERWATCH_CACHE_DIR=/opt/counterwatch-cache
# MEDIASOUP_WORKER_BIN only tells mediasoup's postinstall not to download; the
# worker (keyed by the installed sources) is built offline right after.
RUN MEDIASOUP_WORKER_BIN=/usr/local/bin/mediasoup-worker npm ci --no-audit --no-fund \
 && node scripts/mediasoup-worker.mjs build
COPY . .
RUN npm run build && npm prune --omit=dev \
 && cp "$(node scripts/mediasoup-worker.mjs path)" /opt/mediasoup-worker

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ffmpeg espeak-ng libuv1 libssl3 libsrtp2-1 libusrsctp2 libabsl20220623 tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/shared ./shared
COPY --from=build /src/sfu-server ./sfu-server
COPY --from=build /src/console/dist ./console/dist
COPY --from=build /opt/mediasoup-worker /usr/local/bin/mediasoup-worker
ENV NODE_ENV=production \
    MEDIASOUP_WORKER_BIN=/usr/local/bin/mediasoup-worker \
    CW_DATA_DIR=/data \
    CW_CONSOLE_DIR=/app/console/dist \
    CW_HTTP_PORT=8080
# The data directory belongs to the user the server runs as: a new volume (named or anonymous) takes
# this ownership, so the server can open its database with no volume prepared by hand.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
# HTTP (behind the TLS proxy), WebRTC (one port per worker), plain RTP ingest from agents.
EXPOSE 8080 40000-40001/udp 40000-40001/tcp 41000-44999/udp
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "sfu-server/dist/main.js"]
