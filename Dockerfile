# syntax=docker/dockerfile:1
# BatchSettle image: the `batchsettle` CLI / Hangfire worker / dashboard, talking to an external PostgreSQL.
#   docker build -t batchsettle:0.4.0 .
#   docker run --rm -e BATCHSETTLE_DB='Host=db;Database=batchsettle;Username=bs;Password=...' batchsettle:0.4.0 run --batch 210500-2025-03
#   docker compose up -d        # worker + dashboard + PostgreSQL 15: compose.yaml
# The image has no PostgreSQL of its own: the CLI's embedded-database fallback needs initdb, so BATCHSETTLE_DB is
# required here. The schema is created by the CLI itself from sql/ (migrations ship next to the binary).
# Every variable the image reads is in README "Deploying with containers". Tags are pinned to exact versions (the SDK
# to global.json's), so a rebuild gets the same toolchain and runtime.

FROM mcr.microsoft.com/dotnet/sdk:10.0.401 AS build
WORKDIR /src
# Build settings first (analyzers run with warnings as errors, so .editorconfig and the banned-API lists matter).
# global.json is left out on purpose: the image tag pins the same SDK (10.0.401), and a second pin would only add a way
# for the build to fail when one of them moves.
COPY Directory.Build.props Directory.Packages.props .editorconfig BannedSymbols.txt ./
COPY src/BannedSymbols.Core.txt src/
# Project files alone, so the restore layer is cached until a dependency changes.
COPY src/BatchSettle.Core/BatchSettle.Core.csproj src/BatchSettle.Core/
COPY src/BatchSettle.Data/BatchSettle.Data.csproj src/BatchSettle.Data/
COPY src/BatchSettle.ServiceDefaults/BatchSettle.ServiceDefaults.csproj src/BatchSettle.ServiceDefaults/
COPY src/BatchSettle.Generator/BatchSettle.Generator.csproj src/BatchSettle.Generator/
COPY src/BatchSettle.Jobs/BatchSettle.Jobs.csproj src/BatchSettle.Jobs/
COPY src/BatchSettle.Dashboard/BatchSettle.Dashboard.csproj src/BatchSettle.Dashboard/
COPY src/BatchSettle.Cli/BatchSettle.Cli.csproj src/BatchSettle.Cli/
RUN dotnet restore src/BatchSettle.Cli/BatchSettle.Cli.csproj
COPY src/ src/
# Framework-dependent, separate assemblies, nothing trimmed or merged: the LGPL libraries (Hangfire, Hangfire.PostgreSql)
# must stay replaceable DLLs (THIRD-PARTY-NOTICES.md).
RUN dotnet publish src/BatchSettle.Cli/BatchSettle.Cli.csproj -c Release --no-restore \
        -o /app/publish -p:UseAppHost=false -p:SelfContained=false -p:PublishSingleFile=false -p:PublishTrimmed=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12 AS runtime
WORKDIR /app
COPY --from=build /app/publish ./
# Migrations and policy parameters: the migrations runner looks for sql/ next to batchsettle.dll.
COPY sql/ ./sql/
# Third-party notices and the GPL/LGPL texts the LGPL libraries require to travel with the product.
COPY THIRD-PARTY-NOTICES.md ./
COPY licenses/ ./licenses/
# The dashboard (`dashboard`, or `worker --dashboard`) listens on every interface of the container, port 8080: the
# port EXPOSEd below and the one the HEALTHCHECK asks. Dashboard__Urls (or ASPNETCORE_URLS, or --urls) changes it.
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_gcServer=1 \
    Dashboard__Urls=http://0.0.0.0:8080
EXPOSE 8080
# The dashboard's /healthz: 200 when the database answers and every migration is applied (no login, no secrets).
# The image has no curl, so the CLI asks. A worker serves no HTTP: compose.yaml gives it `health` (the database check).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["dotnet", "batchsettle.dll", "health", "--url", "http://127.0.0.1:8080/healthz"]
# The .NET images ship an unprivileged user; its UID is in $APP_UID.
USER $APP_UID
ENTRYPOINT ["dotnet", "batchsettle.dll"]
