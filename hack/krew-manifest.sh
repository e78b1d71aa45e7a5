#!/usr/bin/env bash
# Writes the krew plugin manifest for `kubectl bulwark` to stdout from the
# release archives in DIR: kubectl-bulwark_<os>_<arch>.tar.gz, each holding
# the kubectl-bulwark binary (kubectl-bulwark.exe on Windows) and LICENSE.
# The sha256 of every archive is computed here, so the manifest always
# matches what is published.
#
#   hack/krew-manifest.sh v0.1.0 dist/ > deploy/krew/bulwark.yaml
set -euo pipefail
version=${1:?usage: krew-manifest.sh VERSION DIR}
dir=${2:?usage: krew-manifest.sh VERSION DIR}
base=${KREW_DOWNLOAD_BASE:-https://github.com/bulwark-sec/bulwark/releases/download}
cat <<HEAD
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: bulwark
spec:
  version: ${version}
  homepage: https://github.com/bulwark-sec/bulwark
  shortDescription: Security checks for Kubernetes on Azure (AKS)
  description: |
    Bulwark finds security problems in workloads, RBAC, network policies and
    AKS clusters: what is wrong, where, why it matters and how to fix it.
    kubectl bulwark scans the cluster of the current kubeconfig context.
  platforms:
HEAD
found=0
for f in "$dir"/kubectl-bulwark_*_*.tar.gz; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .tar.gz)
  os=${name#kubectl-bulwark_}; arch=${os#*_}; os=${os%%_*}
  bin=kubectl-bulwark
  [ "$os" = windows ] && bin=kubectl-bulwark.exe
  sum=$(sha256sum "$f" | cut -d' ' -f1)
  cat <<PLATFORM
  - selector:
      matchLabels:
        os: ${os}
        arch: ${arch}
    uri: ${base}/${version}/$(basename "$f")
    sha256: ${sum}
    files:
    - from: ${bin}
      to: .
    - from: LICENSE
      to: .
    bin: ${bin}
PLATFORM
  found=1
done
if [ "$found" = 0 ]; then
  echo "krew-manifest.sh: no kubectl-bulwark_<os>_<arch>.tar.gz in $dir" >&2
  exit 2
fi
