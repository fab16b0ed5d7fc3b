#!/usr/bin/env bash
# Runs the whole system on this machine: installs what is missing, builds, and starts Postgres, Redis,
# RabbitMQ, the services and the gateway through the AppHost. Ctrl+C stops everything.
# Extra arguments go to the AppHost, e.g. ./run.sh --AppHost:GatewayPort=9090
set -euo pipefail
cd "$(dirname "$0")"
./eng/install-prerequisites.sh
exec dotnet run --project HybridStreaming.AppHost -- "$@"
