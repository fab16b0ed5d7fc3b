#!/usr/bin/env bash
# RabbitMQ from Debian's package, run by the AppHost as an executable resource: on 127.0.0.1 only, with
# its own epmd (a child of this script, so no daemon outlives it), Erlang distribution on loopback, and a
# user the AppHost generated (applied when the node boots for the first time; its data keeps it). As
# root both run as the 'rabbitmq' user. SIGTERM or SIGINT stops the node cleanly, then its epmd.
#   rabbitmq.sh <state-dir> <amqp-port> <dist-port> <epmd-port> <node-name> <management-port or 0>
#   user and password in $RABBITMQ_USER and $RABBITMQ_PASSWORD
set -uo pipefail
state=$1 amqp=$2 dist=$3 epmd_port=$4 node=$5 management=$6
server=/usr/lib/rabbitmq/bin/rabbitmq-server
epmd=$(command -v epmd || echo /usr/bin/epmd)
if [[ ! -x $server || ! -x $epmd ]]; then
  echo "RabbitMQ is not installed: sudo apt-get install -y rabbitmq-server (./run.sh and ./test.sh install it)" >&2
  exit 1
fi
as_service=()
if [[ $(id -u) == 0 ]]; then
  as_service=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups --)
fi
mkdir -p "$state/mnesia" "$state/log"
umask 077
{
  echo "listeners.tcp.default = 127.0.0.1:$amqp"
  echo "default_user = $RABBITMQ_USER"
  echo "default_pass = $RABBITMQ_PASSWORD"
  echo "loopback_users = none"
  echo "log.console = true"
  echo "log.console.level = warning"
  echo "log.file = false"
  if [[ $management != 0 ]]; then
    echo "management.tcp.ip = 127.0.0.1"
    echo "management.tcp.port = $management"
  fi
} > "$state/rabbitmq.conf"
if [[ $management != 0 ]]; then echo "[rabbitmq_management]." > "$state/enabled_plugins"; else echo "[]." > "$state/enabled_plugins"; fi
[[ $(id -u) == 0 ]] && chown -R rabbitmq:rabbitmq "$state"
cd "$state"
# Trapped before anything starts, so a stop that comes at once still reaches the broker and its epmd.
broker= epmd_pid=
stop() {
  if [[ -n $broker ]]; then kill -TERM "$broker" 2>/dev/null; return; fi
  [[ -n $epmd_pid ]] && kill -TERM "$epmd_pid" 2>/dev/null
  exit 143
}
trap stop TERM INT
"${as_service[@]}" "$epmd" -port "$epmd_port" -address 127.0.0.1 &
epmd_pid=$!
env HOME="$state" RUNNING_UNDER_SYSTEMD=true RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT="$amqp" RABBITMQ_DIST_PORT="$dist" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1 \
  RABBITMQ_MNESIA_BASE="$state/mnesia" RABBITMQ_LOG_BASE="$state/log" RABBITMQ_PID_FILE="$state/rabbit.pid" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$state/enabled_plugins" RABBITMQ_CONFIG_FILE="$state/rabbitmq.conf" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
  RABBITMQ_PASSWORD= RABBITMQ_USER= \
  "${as_service[@]}" "$server" &
broker=$!
wait "$broker"; code=$?
while kill -0 "$broker" 2>/dev/null; do wait "$broker"; code=$?; done
kill -TERM "$epmd_pid" 2>/dev/null; wait "$epmd_pid" 2>/dev/null
exit "$code"
