#!/usr/bin/env bash
# Runs a benchmark in Release and prints its figures ("name: value unit"). See docs/benchmarks.md.
#   ./bench.sh apphost-startup [--runs=3]
#   ./bench.sh outbox [--events=20000] [--rate=200] [--seconds=30]
#   ./bench.sh emulator-media [--runs=5] [--inputs=20] [--seconds=20]
#   ./bench.sh go-live [--sessions=100] [--bursts=5] [--single-runs=20] [--media-runs=5]
#   ./bench.sh viewers [--viewers=5000] [--interval=10] [--seconds=60] [--bare-only]
#   ./bench.sh ledger [--runs=10] [--sessions=50]
#   ./bench.sh load [--viewers=200] [--seconds=300] [--channels=3] [--one-address] [--segment-seconds=1]   Artillery (tests/load)
#   ./bench.sh stress [--viewers=500] [--seconds=300] [--channels=3] [--one-address] [--segment-seconds=1]
set -euo pipefail
cd "$(dirname "$0")"
./eng/install-prerequisites.sh >/dev/null
dotnet build HybridStreaming.sln -c Release -v quiet -nologo >/dev/null
exec dotnet artifacts/bin/HybridStreaming.Benchmarks/release/HybridStreaming.Benchmarks.dll "$@"
