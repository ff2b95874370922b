# Switchyard container image.
# Stage 1 builds and publishes the `switchyard` executable with the .NET SDK; stage 2 copies the output
# into the chiseled ASP.NET runtime image: no shell, no package manager, non-root user by default.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so the restore layer is reused while only code changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Switchyard.Model/Switchyard.Model.csproj src/Switchyard.Model/
COPY src/Switchyard.Routing/Switchyard.Routing.csproj src/Switchyard.Routing/
COPY src/Switchyard.DataPlane/Switchyard.DataPlane.csproj src/Switchyard.DataPlane/
COPY src/Switchyard.Kubernetes/Switchyard.Kubernetes.csproj src/Switchyard.Kubernetes/
COPY src/Switchyard/Switchyard.csproj src/Switchyard/
RUN dotnet restore src/Switchyard/Switchyard.csproj

COPY src/ src/
RUN dotnet publish src/Switchyard/Switchyard.csproj -c Release --no-restore -o /app/publish -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
LABEL org.opencontainers.image.title="switchyard" \
      org.opencontainers.image.description="Kubernetes ingress operator serving Traefik CRDs with a gRPC-first YARP data plane" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app
COPY --from=build /app/publish /app

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
ENTRYPOINT ["dotnet", "/app/switchyard.dll", "run"]
