# syntax=docker/dockerfile:1
# ytwatch in a container: built from the packed npm package (exactly what `npm pack` ships), run as
# the unprivileged `node` user, state in the /data volume, health from GET /health.
#   docker build -t ytwatch .                           # embedded log (SQLite)
#   docker build --build-arg WITH_KAFKA=1 -t ytwatch .  # with the Apache Kafka client
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: compile TypeScript and pack the package.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md ./
COPY bin ./bin
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm pack --ignore-scripts && mv ytwatch-*.tgz /ytwatch.tgz

# 2. Install the package globally, building the native modules (better-sqlite3, optionally Kafka).
FROM ${NODE_IMAGE} AS install
ARG WITH_KAFKA=0
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
      $( [ "$WITH_KAFKA" = 1 ] && echo libssl-dev libsasl2-dev libzstd-dev zlib1g-dev ) \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /ytwatch.tgz /tmp/ytwatch.tgz
RUN if [ "$WITH_KAFKA" = 1 ]; then export CKJS_LINKING=dynamic; else omit="--omit=optional"; fi; \
    npm install -g $omit --no-audit --no-fund /tmp/ytwatch.tgz

# 3. Run: no compilers, no npm cache; the `node` user (uid 1000).
FROM ${NODE_IMAGE}
ARG WITH_KAFKA=0
RUN if [ "$WITH_KAFKA" = 1 ]; then apt-get update && apt-get install -y --no-install-recommends libssl3 libsasl2-2 libzstd1 zlib1g && rm -rf /var/lib/apt/lists/*; fi
COPY --from=install /usr/local/lib/node_modules/ytwatch /usr/local/lib/node_modules/ytwatch
RUN ln -s ../lib/node_modules/ytwatch/bin/ytwatch.js /usr/local/bin/ytwatch \
    && mkdir /data && chown node:node /data && chmod 0700 /data
ENV NODE_ENV=production YTWATCH_DATA_DIR=/data
USER node
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# Liveness: /health answers 200 (ok or degraded) while the store and the log answer. Beyond
# loopback the API needs YTWATCH_API_TOKEN, so the probe sends it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health',{headers:process.env.YTWATCH_API_TOKEN?{authorization:'Bearer '+process.env.YTWATCH_API_TOKEN}:{}}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM finishes the batch in flight and commits; give it the 10 s it may take.
STOPSIGNAL SIGTERM
ENTRYPOINT ["ytwatch"]
CMD ["run", "--port", "8080", "--host", "0.0.0.0", "--log-format", "json"]
