#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, only those that are missing.
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost-dev libboost-filesystem-dev   # Boost.DLL loads the plugins
  libtomlplusplus-dev                    # the config file
  libpoco-dev libssl-dev openssl         # the Datadog HTTPS backend and its test server
  libspdlog-dev                          # logging, and the logging backend
  catch2 libbenchmark-dev                # tests and benchmarks
  nodejs npm                             # the real Etsy statsd daemon in the tests
  clang                                  # the ABI test builds a plugin with another compiler
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # A tool already on PATH (node, npm, clang from another source) is good enough.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm | clang | cmake | ccache | openssl) command -v "$p" >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "metrics: missing Debian packages: ${missing[*]}" >&2
  echo "metrics: run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "metrics: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null
