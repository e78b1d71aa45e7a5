// Package e2e runs Bulwark as users do (internal/cli.Main) against a real
// Kubernetes API server: etcd and kube-apiserver built by hack/testenv.sh
// and started by package apiserver. Without the binaries (KUBEBUILDER_ASSETS)
// the tests skip and say how to get them; under BULWARK_REQUIRE_TOOLS
// (hack/test.sh) they fail instead.
package e2e
