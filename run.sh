#!/usr/bin/env bash
# Runs the whole system on this machine through the .NET Aspire AppHost: installs what is missing,
# builds, and starts Postgres, Redis and RabbitMQ (local processes on 127.0.0.1), the provider emulators,
# the services and the gateway, with the Aspire dashboard. Once everything is healthy it prints the
# gateway's URL and the dashboard's (with its login token). Ctrl+C stops everything.
#   ./run.sh --AppHost:GatewayPort=9090          extra arguments go to the AppHost (README, Configuration)
#   ASPNETCORE_URLS=http://127.0.0.1:19999 ./run.sh            the dashboard's address (default :18888)
#   ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true ./run.sh   a dashboard without the login token
set -euo pipefail
cd "$(dirname "$0")"
./eng/install-prerequisites.sh
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:18888}"
export ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL:-http://127.0.0.1:18889}"
# Everything listens on loopback only; the dashboard and its OTLP endpoint are plain HTTP.
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
exec dotnet run --project HybridStreaming.AppHost --no-launch-profile -- "$@"
