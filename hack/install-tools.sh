#!/usr/bin/env bash
# Installs the tools the test suite needs that are not Go packages, into a
# cache folder that survives on the machine (keyed by version), and prints
# the environment the tests read. Idempotent: a warm run does nothing.
#
#   eval "$(hack/install-tools.sh)"
#
# Tools:
#   Microsoft SARIF Multitool (npm @microsoft/sarif-multitool), used to
#   validate Bulwark's SARIF output: BULWARK_SARIF_MULTITOOL.
set -euo pipefail

SARIF_MULTITOOL_VERSION=5.7.0
cache="${BULWARK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-tools}"
dir="$cache/sarif-multitool-$SARIF_MULTITOOL_VERSION"
bin="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

if [ ! -x "$bin" ]; then
  command -v npm >/dev/null || { echo "install-tools: npm is required (apt-get install -y npm)" >&2; exit 1; }
  echo "install-tools: installing @microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION into $dir" >&2
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  (cd "$dir.tmp" && npm install --no-audit --no-fund --silent "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION" >&2)
  # npm does not run the package's postinstall (chmod) without approval.
  chmod u+x "$dir.tmp/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
fi
echo "export BULWARK_SARIF_MULTITOOL='$bin'"
# The multitool is a .NET single-file app; it needs no ICU this way.
echo "export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1"
