#!/usr/bin/env bash
# The whole test suite, as CI runs it: tools, formatting, vet, and every
# test with the race detector. Tests that need a tool skip only when run
# outside this script; here every tool is installed first.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each installer's output is taken whole before it is evaluated: with
# eval "$(installer)" a failed installer's status is lost and the suite
# would go on without its tool.
tools_env=$(hack/install-tools.sh)
eval "$tools_env"
testenv_env=$(hack/testenv.sh)
eval "$testenv_env"
export BULWARK_REQUIRE_TOOLS=1

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
echo "== go vet"
go vet ./...
echo "== go test -race"
# The adversarial suite runs the real binary and measures its peak RSS,
# which the race runtime's shadow memory in the test process would
# inflate (test/adversarial/harness_test.go); it runs without -race.
go test -race -count=1 $(go list ./... | grep -v '/test/adversarial$')
echo "== go test ./test/adversarial (hostile inputs, bounded time and memory)"
go test -count=1 ./test/adversarial/
