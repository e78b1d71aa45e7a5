#!/usr/bin/env bash
# Builds the real control plane the end-to-end tests run against — etcd and
# kube-apiserver — from the Go module proxy, caches the binaries in a folder
# that survives on the machine (keyed by version), and prints the
# environment the tests read:
#
#   eval "$(hack/testenv.sh)"
#
# prints
#
#   export KUBEBUILDER_ASSETS='<cache>/assets-k8s-v1.37.2-etcd-v3.6.16'
#
# the folder controller-runtime's envtest looks in for `etcd` and
# `kube-apiserver`. A cold build takes about ten minutes; a warm run only
# checks the cache. Nothing is written to the repository: each binary is
# built in a throwaway module under $TMPDIR and moved into the cache only
# once it has built (an interrupted build leaves no half-written binary).
#
#   kube-apiserver  module k8s.io/kubernetes, package cmd/kube-apiserver.
#                   k8s.io/kubernetes requires its staging modules (k8s.io/api,
#                   k8s.io/apiserver, ...) at v0.0.0 through ./staging
#                   replace lines that only work inside its own tree; the
#                   throwaway module replaces each with its published
#                   v0.<minor>.<patch> release instead. The version the
#                   server reports (/version) is stamped with -ldflags as the
#                   Kubernetes release scripts do.
#   etcd            module go.etcd.io/etcd/server/v3; the throwaway module's
#                   main calls etcdmain.Main, exactly like etcd's own main.
#
# Environment:
#   BULWARK_TESTENV_DIR  cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-testenv)
#   GOPROXY, GOFLAGS...  honoured as for any go build; -mod=mod is added.
set -euo pipefail

K8S_VERSION=v1.37.2
STAGING_VERSION=v0.37.2 # the staging modules' release matching K8S_VERSION
ETCD_VERSION=v3.6.16

cache="${BULWARK_TESTENV_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-testenv}"
k8s_dir="$cache/k8s-$K8S_VERSION"
etcd_dir="$cache/etcd-$ETCD_VERSION"
assets="$cache/assets-k8s-$K8S_VERSION-etcd-$ETCD_VERSION"

log() { echo "testenv: $*" >&2; }
# shellcheck source=hack/progress.sh
. "$(dirname "$0")/progress.sh"

command -v go >/dev/null || { log "go is required on PATH"; exit 1; }
mkdir -p "$cache"

# One build at a time per cache folder (parallel CI jobs on one machine).
if command -v flock >/dev/null; then
  exec 9>"$cache/.lock"
  flock 9
fi

export GOFLAGS="-mod=mod ${GOFLAGS:-}"

work=""
cleanup() { [ -z "$work" ] || rm -rf "$work"; }
trap cleanup EXIT

# build_kube_apiserver DEST_DIR
build_kube_apiserver() {
  local dest="$1" start=$SECONDS
  log "building kube-apiserver $K8S_VERSION into $dest (cold build, about 10 minutes)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-testenv-k8s.XXXXXX")"
  local gomod
  gomod="$(cd "$work" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [ -f "$gomod" ] || { log "cannot download k8s.io/kubernetes@$K8S_VERSION"; exit 1; }
  {
    echo "module bulwark.local/testenv/kube-apiserver"
    echo
    echo "go 1.26"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    # Every "k8s.io/X => ./staging/src/k8s.io/X" of k8s.io/kubernetes becomes
    # "k8s.io/X => k8s.io/X STAGING_VERSION".
    sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\./staging/src/.*$#  \1 => \1 '"$STAGING_VERSION"'#p' "$gomod"
    echo ")"
  } >"$work/go.mod"
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  local ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (
    cd "$work"
    progress "building kube-apiserver" env CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$work/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2
  )
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  mv "$work/bin/kube-apiserver" "$dest.tmp/kube-apiserver"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
  rm -rf "$work" && work=""
  log "kube-apiserver built in $((SECONDS - start))s"
}

# build_etcd DEST_DIR
build_etcd() {
  local dest="$1" start=$SECONDS
  log "building etcd $ETCD_VERSION into $dest"
  work="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-testenv-etcd.XXXXXX")"
  cat >"$work/go.mod" <<EOF
module bulwark.local/testenv/etcd

go 1.26

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  cat >"$work/main.go" <<'EOF'
// Command etcd is etcd's own main: go.etcd.io/etcd/v3's main.go does the same.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  (
    cd "$work"
    progress "building etcd" env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/bin/etcd" . >&2
  )
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  mv "$work/bin/etcd" "$dest.tmp/etcd"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
  rm -rf "$work" && work=""
  log "etcd built in $((SECONDS - start))s"
}

[ -x "$etcd_dir/etcd" ] || build_etcd "$etcd_dir"
[ -x "$k8s_dir/kube-apiserver" ] || build_kube_apiserver "$k8s_dir"

# envtest reads one folder holding both binaries.
mkdir -p "$assets"
ln -sfn "$etcd_dir/etcd" "$assets/etcd"
ln -sfn "$k8s_dir/kube-apiserver" "$assets/kube-apiserver"

echo "export KUBEBUILDER_ASSETS='$assets'"
