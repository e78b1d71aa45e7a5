# progress LABEL COMMAND...: runs COMMAND and, while it runs, says on
# stderr every 30 s that LABEL is still going, so that a long cold build
# (kube-apiserver, etcd, helm) never looks like a hang. Source it.
progress() {
  local label="$1" start=$SECONDS ticker status=0
  shift
  ( while sleep 30; do echo "  ... still $label ($((SECONDS - start))s)" >&2; done ) &
  ticker=$!
  "$@" || status=$?
  kill "$ticker" 2>/dev/null
  wait "$ticker" 2>/dev/null || true
  return "$status"
}
