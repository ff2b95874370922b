# Switchyard container image.
# Stage 1 builds and publishes the `switchyard` executable with the .NET SDK; stage 2 copies the output
# into the chiseled runtime-deps image: no shell, no package manager, non-root user by default.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Only the sources of the executable and its project references (.dockerignore keeps bin/obj/tests out).
# The whole src/ is copied before restore so a new project reference never breaks the image build.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# The trimmed self-contained form (src/Switchyard/Properties/PublishProfiles/trimmed.pubxml) for the image's
# architecture: the framework trimmed to what Switchyard uses (smaller RSS idle and under load, README
# "Performance"), everything precompiled ReadyToRun, so a pod that starts under full load is not stuck in tier-0 JIT
# code for its first minutes (bench, 10k routes, pinned core: ~120 → 35 µs/call by the 3rd round of 50k calls, where
# the JIT-only build needed 7 rounds). Self-contained: the runtime comes with it, the base image adds only its native
# dependencies. `bash scripts/check-trimmed.sh` checks this publish against the plain build.
ARG TARGETARCH=amd64
RUN dotnet restore src/Switchyard/Switchyard.csproj -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" -p:PublishProfile=trimmed
RUN dotnet publish src/Switchyard/Switchyard.csproj -c Release \
      -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" -p:PublishProfile=trimmed -o /app/publish

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime
LABEL org.opencontainers.image.title="switchyard" \
      org.opencontainers.image.description="Kubernetes ingress operator serving Traefik CRDs with a gRPC-first YARP data plane" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app
# Owned by the user Switchyard runs as, read-only to it: the kernel pages a file's resident pages out only for a process
# that owns the file (or may write it), and Switchyard pages out the code its start ran once (MappedFilePages).
COPY --from=build --chown=1654:1654 --chmod=555 /app/publish /app

# Invariant globalization (no ICU in the image), no diagnostics IPC socket on a read-only root FS, and
# no default HTTP port from the base image: Switchyard opens its own entry points.
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true \
    DOTNET_EnableDiagnostics=0 \
    ASPNETCORE_HTTP_PORTS=""

# Entry points: web (HTTP/1.1 + h2c), websecure (TLS), admin (health, readiness, metrics, grpc.health.v1).
EXPOSE 8000 8443 9000

# The numeric id of the chiseled image's `app` user, so Kubernetes can verify runAsNonRoot.
USER 1654

# Static config: mount it (the Helm chart mounts its ConfigMap at /etc/switchyard) and pass --config.
ENTRYPOINT ["/app/switchyard", "run"]
