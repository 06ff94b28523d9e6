#!/usr/bin/env bash
# Makes `prometheus` and `promtool` available for the integration tests (PrometheusIT).
# Installs the distribution's package when run as root; otherwise says what to install.
# The package's service is never left running: the tests start their own Prometheus on a
# free loopback port, and a system instance would only hold port 9090 and disk.
# Prints the directory holding both binaries on the last line of stdout.
set -euo pipefail

find_bin() {
  local name="$1"
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
  elif [ -x "/usr/bin/$name" ]; then
    echo "/usr/bin/$name"
  fi
}

if [ -n "$(find_bin prometheus)" ] && [ -n "$(find_bin promtool)" ]; then
  echo "ensure-prometheus: $(find_bin prometheus) already installed" >&2
  dirname "$(find_bin prometheus)"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "ensure-prometheus: prometheus and promtool are not installed and this is not root." >&2
  echo "  Install them, e.g. 'sudo apt-get install prometheus' (Debian/Ubuntu), or download" >&2
  echo "  https://prometheus.io/download/ and put prometheus and promtool on PATH." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-prometheus: no apt-get here; install prometheus and promtool on PATH yourself" >&2
  echo "  (https://prometheus.io/download/)." >&2
  exit 1
fi

# Remember whether a prometheus ran before, so only one the package started is stopped.
running_before=no
if pgrep -x prometheus >/dev/null 2>&1; then
  running_before=yes
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-prometheus: installing the prometheus package with apt-get" >&2
# policy-rc.d exit 101 tells invoke-rc.d not to start services during the install.
policy=/usr/sbin/policy-rc.d
created_policy=no
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=yes
fi
status=0
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; } >&2 || status=$?
if [ "$created_policy" = yes ]; then
  rm -f "$policy"
fi
if [ "$running_before" = no ] && pgrep -x prometheus >/dev/null 2>&1; then
  echo "ensure-prometheus: stopping the prometheus the package started" >&2
  pkill -x prometheus || true
fi
if [ "$status" != 0 ]; then
  echo "ensure-prometheus: 'apt-get install prometheus' failed (exit $status); check network access" >&2
  echo "  to the package mirrors, or install prometheus and promtool on PATH yourself." >&2
  exit 1
fi
if [ -z "$(find_bin prometheus)" ] || [ -z "$(find_bin promtool)" ]; then
  echo "ensure-prometheus: the package installed but prometheus/promtool are not on PATH or in /usr/bin." >&2
  exit 1
fi
echo "ensure-prometheus: installed $("$(find_bin prometheus)" --version 2>&1 | head -1)" >&2
dirname "$(find_bin prometheus)"
