#!/usr/bin/env bash
# Installs the OS packages HybridStreaming runs on, once: PostgreSQL, Redis, RabbitMQ (infrastructure,
# run as local processes by the AppHost and the tests), ffmpeg and nginx's RTMP module (emulated
# provider media), Chromium and Node.js (browser playback tests), wrk (HTTP load for the benchmarks),
# Prometheus for its promtool (the alert rules' unit tests; its daemon is never left running).
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
have promtool || missing+=(prometheus)

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

# Debian's prometheus package starts its daemon on :9090 when installed, and nothing here wants it (only
# promtool): a stray Prometheus would take a port and scrape nothing. So it is installed under a
# policy-rc.d that forbids starting services, unless the machine already has one (containers usually do),
# and stopped afterwards in case it runs anyway (systemd does not ask policy-rc.d in every version).
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# Added by eng/install-prerequisites.sh while it installs prometheus.\nexit 101\n' \
      | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    added_policy=true
  fi
  rc=0
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null || rc=$?
  if $added_policy; then "${sudo[@]}" rm -f "$policy"; fi
  ((rc == 0)) || exit $rc
  if have systemctl && [[ -d /run/systemd/system ]]; then
    "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/prometheus ]]; then
    "${sudo[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
  remaining=()
  for package in "${missing[@]}"; do [[ $package == prometheus ]] || remaining+=("$package"); done
  missing=("${remaining[@]}")
fi
if ((${#missing[@]} > 0)); then
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "prerequisites: done"
