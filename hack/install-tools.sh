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
#   golang.org/x/vulndb (Go module, pinned), the Go vulnerability database
#   whose data/osv the vulndb and image tests import: BULWARK_GOVULNDB_DIR,
#   the module's directory in the Go module cache.
#   golang.org/x/text v0.3.5 (module cache), for the image tests' vulnerable
#   Go binary.
#   helm (built from helm.sh/helm/v4 through the Go module proxy), for the
#   chart tests: BULWARK_HELM.
set -euo pipefail
# shellcheck source=hack/progress.sh
. "$(dirname "$0")/progress.sh"

SARIF_MULTITOOL_VERSION=5.7.0
cache="${BULWARK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-tools}"
dir="$cache/sarif-multitool-$SARIF_MULTITOOL_VERSION"
bin="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

# apt_install PACKAGE: installs a Debian package on a fresh machine (output
# to stderr: stdout is eval'ed), or says how when apt-get cannot be used.
apt_updated=""
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null && { [ -z "$sudo" ] || command -v sudo >/dev/null; }; then
    echo "install-tools: installing $1 with apt-get" >&2
    if [ -z "$apt_updated" ]; then
      $sudo apt-get update -qq >&2 || { echo "install-tools: apt-get update failed" >&2; exit 1; }
      apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >&2 ||
      { echo "install-tools: apt-get install $1 failed" >&2; exit 1; }
  else
    echo "install-tools: $1 is required (apt-get install -y $1)" >&2
    exit 1
  fi
}

# The system CA roots: the image test (test/deploy) puts them in Bulwark's
# image as the Dockerfile does.
[ -f /etc/ssl/certs/ca-certificates.crt ] || apt_install ca-certificates

# Debian's Chromium: the HTML report's browser test (internal/render/htmltest)
# loads the report in it, headless, through chromedp.
command -v chromium >/dev/null || apt_install chromium
echo "export BULWARK_CHROMIUM=$(command -v chromium)"

if [ ! -x "$bin" ]; then
  command -v npm >/dev/null || apt_install npm
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

# golang.org/x/vulndb through the Go module proxy, into the module cache.
# The download is checked against the checksum database: sum.golang.org is
# not resolvable here, but the go command reaches it through the proxy
# (GOPROXY's /sumdb/sum.golang.org/ endpoint), so no GONOSUMDB/GOFLAGS
# override is needed. The h1 hash below is what sum.golang.org records; it
# is compared as well, which also covers machines whose GOSUMDB is off.
GOVULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
GOVULNDB_SUM=h1:mfngRv0Yoh0VApsXKEN82CjD99kl7mtparN3bs3JnqI=
command -v go >/dev/null || { echo "install-tools: go is required on PATH" >&2; exit 1; }
# Run outside any module or workspace so nothing here touches go.mod/go.sum.
gotmp="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-install-tools.XXXXXX")"
trap 'rm -rf "$gotmp"' EXIT
modcache="$(cd "$gotmp" && GOTOOLCHAIN=local GOWORK=off GOFLAGS= go env GOMODCACHE)"
vulndb_dir="$modcache/golang.org/x/vulndb@$GOVULNDB_VERSION"
if [ ! -d "$vulndb_dir/data/osv" ]; then
  echo "install-tools: downloading golang.org/x/vulndb@$GOVULNDB_VERSION (25 MB) into $modcache" >&2
  json="$(cd "$gotmp" && GOTOOLCHAIN=local GOWORK=off GOFLAGS= GO111MODULE=on go mod download -json "golang.org/x/vulndb@$GOVULNDB_VERSION")" || {
    echo "install-tools: go mod download golang.org/x/vulndb@$GOVULNDB_VERSION failed:" >&2
    echo "$json" >&2
    exit 1
  }
  sum="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",\{0,1\}$/\1/p')"
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [ "$sum" != "$GOVULNDB_SUM" ]; then
    echo "install-tools: golang.org/x/vulndb@$GOVULNDB_VERSION has hash '$sum', want $GOVULNDB_SUM" >&2
    exit 1
  fi
  if [ "$dir" != "$vulndb_dir" ] || [ ! -d "$vulndb_dir/data/osv" ]; then
    echo "install-tools: golang.org/x/vulndb was not extracted to $vulndb_dir (got '$dir')" >&2
    exit 1
  fi
fi
echo "export BULWARK_GOVULNDB_DIR='$vulndb_dir'"

# golang.org/x/text v0.3.5: a module version with known vulnerabilities
# (GO-2021-0113, GO-2022-1059, ...). The image tests compile a Go binary
# against it offline (GOPROXY=off) and expect the scanner to find them
# through the real golang.org/x/vulndb entries.
XTEXT_VERSION=v0.3.5
if [ ! -f "$modcache/cache/download/golang.org/x/text/@v/$XTEXT_VERSION.zip" ]; then
  echo "install-tools: downloading golang.org/x/text@$XTEXT_VERSION into $modcache" >&2
  (cd "$gotmp" && GOTOOLCHAIN=local GOWORK=off GOFLAGS= GO111MODULE=on go mod download "golang.org/x/text@$XTEXT_VERSION") >&2 || {
    echo "install-tools: go mod download golang.org/x/text@$XTEXT_VERSION failed" >&2
    exit 1
  }
fi

# helm, built from the Go module proxy (helm.sh/helm/v4), for the chart
# tests (test/deploy: helm lint and helm template of deploy/helm/bulwark).
# A cold build takes a few minutes; the binary is cached by version.
HELM_VERSION=v4.3.2
helm_dir="$cache/helm-$HELM_VERSION"
if [ ! -x "$helm_dir/bin/helm" ]; then
  echo "install-tools: building helm $HELM_VERSION from the Go module proxy into $helm_dir (a few minutes, once)" >&2
  rm -rf "$helm_dir.tmp"
  mkdir -p "$helm_dir.tmp/bin"
  start=$(date +%s)
  (cd "$gotmp" && progress "building helm" env GOTOOLCHAIN=local GOWORK=off GOFLAGS= GO111MODULE=on GOBIN="$helm_dir.tmp/bin" \
    go install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION") >&2 || {
    echo "install-tools: go install helm.sh/helm/v4/cmd/helm@$HELM_VERSION failed" >&2
    exit 1
  }
  rm -rf "$helm_dir"
  mv "$helm_dir.tmp" "$helm_dir"
  echo "install-tools: helm built in $(( $(date +%s) - start ))s" >&2
fi
echo "export BULWARK_HELM='$helm_dir/bin/helm'"
