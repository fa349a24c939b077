# CounterWatch counter agent: GStreamer (or ffmpeg) camera/microphone push and queue-event relay.
#   docker build -f docker/agent.Dockerfile -t counterwatch-agent .
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/
COPY sfu-server/package.json sfu-server/
COPY agent/package.json agent/
COPY console/package.json console/
COPY demo/package.json demo/
COPY tests/package.json tests/
# The agent does not need mediasoup's worker: skip its build with a placeholder path.
RUN MEDIASOUP_WORKER_BIN=/nonexistent npm ci --no-audit --no-fund --workspace agent --include-workspace-root
COPY shared ./shared
COPY agent ./agent
RUN npx tsc -b agent && npm prune --omit=dev --workspace agent

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core util-linux tini \
      python3-gi gir1.2-gstreamer-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
      gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x gstreamer1.0-alsa \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/shared ./shared
COPY --from=build /src/agent ./agent
ENV NODE_ENV=production
# The outbox and credentials belong to the user the agent runs as: a new volume takes this ownership.
RUN mkdir -p /state && chown node:node /state
VOLUME ["/state"]
USER node
ENTRYPOINT ["/usr/bin/tini", "--", "node", "agent/dist/cli.js", "--state-dir", "/state"]
