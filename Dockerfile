# syntax=docker/dockerfile:1
# mikrotik-otel-agent container image. Build from the repository root:
#   docker build --build-arg GIT_COMMIT=$(git rev-parse --short=12 HEAD) -t mikrotik-otel-agent .
# Run with your config mounted at /etc/mikrotik-otel-agent/agent.yaml (the image's own is the demo fleet):
#   docker run -p 9436:9436 -v $PWD/agent.yaml:/etc/mikrotik-otel-agent/agent.yaml:ro mikrotik-otel-agent
# The install and build steps are the README's "Build from source" (a test keeps them equal).

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY src/ src/
# No .git in the build context: the commit --version and mikrotik_agent_build_info report.
ARG GIT_COMMIT=unknown
ENV GIT_COMMIT=${GIT_COMMIT}
RUN npm ci
RUN npm run build
RUN npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/mikrotik-otel-agent
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY examples/ examples/
COPY deploy/docker/agent.yaml /etc/mikrotik-otel-agent/agent.yaml
# The node image's unprivileged user (uid 1000); the agent needs no privileges (port 9436).
USER node
EXPOSE 9436
# /live answers 200 while the process serves; Node's fetch, as the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9436/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/mikrotik-otel-agent/dist/cli.js"]
CMD ["run", "--config", "/etc/mikrotik-otel-agent/agent.yaml"]
