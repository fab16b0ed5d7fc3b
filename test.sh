#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, restores, builds, and runs every test project
# against real Postgres, Redis and RabbitMQ, which the tests start as local processes on free loopback
# ports and stop afterwards (or use ConnectionStrings__postgres/redis/rabbitmq when those are set).
# Ends with one line "N passed, N failed" summed from the TRX results.
# Extra arguments go to dotnet test, e.g. ./test.sh --filter-class '*OutboxTransactionTests'
set -euo pipefail
cd "$(dirname "$0")"
results="artifacts/test-results"

summary() {
  local passed=0 failed=0 p f name rc
  shopt -s nullglob
  for trx in "$results"/*/*.trx; do
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  done
  # A test project that crashed, hung or timed out may leave no failed test in its TRX (or no TRX):
  # it still counts as a failure, so the summary never hides one.
  for rcfile in "$results"/*.rc; do
    name=$(basename "$rcfile" .rc); rc=$(cat "$rcfile")
    if [[ $rc != 0 ]] && ! grep -qs ' failed="[1-9]' "$results/$name"/*.trx; then
      echo "$name: exit code $rc without a failed test in its results (crash or timeout); counted as 1 failure" >&2
      failed=$((failed + 1))
    fi
  done
  echo "$passed passed, $failed failed"
}
trap summary EXIT

./eng/install-prerequisites.sh
rm -rf "$results"
dotnet restore HybridStreaming.sln
dotnet build HybridStreaming.sln --no-restore -c Release
# Artillery for the viewer load profile (tests/load, LoadProfileTests): installed when missing or older
# than its lock file. PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: Artillery's browser engine would download one.
if [[ ! -f tests/load/node_modules/.package-lock.json || tests/load/package-lock.json -nt tests/load/node_modules/.package-lock.json ]]; then
  (cd tests/load && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# Test projects run two at a time (one per core), each with its own results folder: TRX files of
# projects started in the same instant would otherwise collide. The AppHost and EndToEnd projects run
# last, alone, one after the other: each of their topologies is the whole platform (the AppHost tests
# start it as real AppHost processes beside their own), and a project beside them starved them
# (services exited while starting, Ctrl+C took over three minutes). Each project's output is printed when it finishes.
mkdir -p "$results"
export results
run_project() {
  local project=$1 name rc
  shift
  name=$(basename "$project" .csproj)
  dotnet test --project "$project" --no-build -c Release --results-directory "$results/$name" --report-xunit-trx "$@" \
    > "$results/$name.log" 2>&1
  rc=$?
  echo $rc > "$results/$name.rc"
  cat "$results/$name.log"
  return $rc
}
export -f run_project
status=0
find tests -name '*.Tests.csproj' ! -name '*.EndToEnd.Tests.csproj' ! -name '*.AppHost.Tests.csproj' | sort \
  | xargs -P 2 -I{} bash -c 'run_project "$@"' _ {} "$@" || status=1
for project in $(find tests \( -name '*.AppHost.Tests.csproj' -o -name '*.EndToEnd.Tests.csproj' \) | sort); do
  run_project "$project" "$@" || status=1
done
exit $status
