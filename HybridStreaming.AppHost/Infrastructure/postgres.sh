#!/usr/bin/env bash
# PostgreSQL from Debian's package, run by the AppHost as an executable resource: on 127.0.0.1 only (no
# Unix socket), password authentication, data in <state>/data. The first run creates the cluster
# (initdb) with the password the AppHost generated and keeps; later runs reuse it. As root the server
# runs as the 'postgres' user. SIGTERM or SIGINT (the orchestrator stopping it, Ctrl+C) becomes Postgres'
# fast shutdown: open transactions roll back, a checkpoint is written, the server exits.
#   postgres.sh <state-dir> <port> <durable: true|false>     password in $POSTGRES_PASSWORD
set -uo pipefail
state=$1 port=$2 durable=$3
if [[ -f $state/data/PG_VERSION ]]; then
  # An existing cluster runs on the major version that created it.
  bin=/usr/lib/postgresql/$(cat "$state/data/PG_VERSION")/bin
else
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [[ -z $bin || ! -x $bin/postgres ]]; then
  echo "PostgreSQL is not installed: sudo apt-get install -y postgresql (./run.sh and ./test.sh install it)" >&2
  exit 1
fi
as_service=()
if [[ $(id -u) == 0 ]]; then
  as_service=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
mkdir -p "$state"
if [[ ! -f $state/data/PG_VERSION ]]; then
  echo "first run: creating the database cluster in $state/data"
  pwfile=$(mktemp -p "$state" .pwfile.XXXXXX)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  [[ $(id -u) == 0 ]] && chown -R postgres:postgres "$state"
  if ! "${as_service[@]}" "$bin/initdb" -D "$state/data" -U postgres --pwfile "$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions; then
    rm -f "$pwfile"; rm -rf "$state/data"; exit 1
  fi
  rm -f "$pwfile"
fi
# The server needs no password of its own (initdb stored its hash): keep it out of the server's environment.
unset POSTGRES_PASSWORD
settings=(-c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300
          -c log_min_messages=warning -c "log_line_prefix=%m [%p] ")
if [[ $durable == false ]]; then
  # Throw-away test servers: no fsync, much faster.
  settings+=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi
cd "$state"
# Trapped before the server starts, so a stop that comes at once still reaches it.
server=
trap 'if [[ -n $server ]]; then kill -INT "$server" 2>/dev/null; else exit 143; fi' TERM INT
"${as_service[@]}" "$bin/postgres" -D "$state/data" -p "$port" "${settings[@]}" &
server=$!
wait "$server"; code=$?
# A trapped signal interrupts the first wait: wait again for the server's own exit.
while kill -0 "$server" 2>/dev/null; do wait "$server"; code=$?; done
exit "$code"
