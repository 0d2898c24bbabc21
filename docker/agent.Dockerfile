# syntax=docker/dockerfile:1
# A probe agent: dials the hub over gRPC and runs the SMTP sequence from where it is placed.
# Build from the repository root:  docker build -f docker/agent.Dockerfile -t smtpprobehub-agent .
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
# The agent is published Native AOT (src/Agent/Agent.csproj): the native linker needs clang and zlib's headers.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
ARG TARGETARCH
RUN echo "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" > /tmp/rid
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json ./
COPY src/Probe/Probe.csproj src/Probe/
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/Agent/Agent.csproj src/Agent/
RUN dotnet restore src/Agent/Agent.csproj -r "$(cat /tmp/rid)"
COPY src/Probe/ src/Probe/
COPY src/Contracts/ src/Contracts/
COPY src/Agent/ src/Agent/
RUN dotnet publish src/Agent/Agent.csproj -c Release -r "$(cat /tmp/rid)" --no-restore -o /app

# One native executable: no .NET runtime in the image, only what it links against (runtime-deps).
FROM mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION} AS final
WORKDIR /app
COPY --from=build /app/SmtpProbeHub.Agent ./
COPY docker/agent-healthcheck.sh /usr/local/bin/agent-healthcheck
# The agent keeps its stable id and unacknowledged results here: a volume, owned by the unprivileged user.
RUN chmod 0755 /usr/local/bin/agent-healthcheck && mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
ENV Agent__DataDirectory=/data
USER $APP_UID
# Healthy while the agent holds its stream to the hub (an established TCP connection to the hub's port).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["agent-healthcheck"]
ENTRYPOINT ["/app/SmtpProbeHub.Agent"]
