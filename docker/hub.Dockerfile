# syntax=docker/dockerfile:1
# The hub: REST API + Swagger UI + the gRPC endpoint agents dial. Build from the repository root:
#   docker build -f docker/hub.Dockerfile -t smtpprobehub-hub .
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused while only code changes.
COPY Directory.Build.props Directory.Packages.props global.json ./
COPY src/Probe/Probe.csproj src/Probe/
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/Api/Api.csproj src/Api/
RUN dotnet restore src/Api/Api.csproj
COPY src/Probe/ src/Probe/
COPY src/Contracts/ src/Contracts/
COPY src/Api/ src/Api/
RUN dotnet publish src/Api/Api.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS final
WORKDIR /app
COPY --from=build /app ./
# The SQLite file lives in a volume owned by the unprivileged user the image provides (APP_UID).
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
# REST + Swagger UI on 8080; agents dial gRPC on 8081 (its own endpoint: plaintext HTTP/2 needs prior knowledge).
# Kestrel's named endpoints (src/Api/appsettings.json); the base image's ASPNETCORE_HTTP_PORTS is emptied, or Kestrel
# would warn at every start that the endpoints override it.
ENV Hub__DataDirectory=/data \
    ASPNETCORE_HTTP_PORTS= \
    Kestrel__Endpoints__Rest__Url=http://0.0.0.0:8080 \
    Kestrel__Endpoints__Agents__Url=http://0.0.0.0:8081
EXPOSE 8080 8081
USER $APP_UID
# No curl in the runtime image: bash's /dev/tcp asks /health/live for its status line.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "SmtpProbeHub.Api.dll"]
