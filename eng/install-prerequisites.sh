#!/usr/bin/env bash
# Installs the OS packages HybridStreaming runs on, once: PostgreSQL, Redis, RabbitMQ (infrastructure,
# run as local processes by the AppHost and the tests), ffmpeg and nginx's RTMP module (emulated
# provider media), Chromium and Node.js (browser playback tests), wrk (HTTP load for the benchmarks).
# Idempotent and non-interactive; uses sudo when not root. Debian 12 is the verified platform; Ubuntu
# is best effort.
set -euo pipefail

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
have redis-server || missing+=(redis-server)
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing+=(rabbitmq-server)
have ffmpeg || missing+=(ffmpeg)
[[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]] || missing+=(libnginx-mod-rtmp nginx)
have chromium || missing+=(chromium)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have jq || missing+=(jq)
have wrk || missing+=(wrk)
have curl || missing+=(curl)
have setsid || missing+=(util-linux)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)

if ((${#missing[@]} == 0)); then
  echo "prerequisites: all installed"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif have sudo; then
  sudo=(sudo)
else
  echo "prerequisites: missing ${missing[*]}; run this script as root or install sudo" >&2
  exit 1
fi

echo "prerequisites: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "prerequisites: done"
