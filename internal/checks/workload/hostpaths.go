package workload

import "strings"

// Host paths shared by the host-access checks.

var runtimeSockets = []string{
	"/var/run/docker.sock", "/run/docker.sock",
	"/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
	"/var/run/crio/crio.sock", "/run/crio/crio.sock",
	"/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
}

// isRuntimeSocket reports whether p is a container runtime socket or a
// directory that holds one.
func isRuntimeSocket(p string) bool {
	for _, s := range runtimeSockets {
		if p == s || strings.HasPrefix(s, p+"/") && p != "/" && p != "/var" && p != "/run" && p != "/var/run" {
			return true
		}
	}
	return false
}

var cloudCredentialPaths = []string{"/etc/kubernetes/azure.json", "/etc/kubernetes", "/.azure", "/root/.azure", "/var/lib/waagent"}

// isCloudCredentialPath reports whether p is, or contains, a file holding
// the node's Azure credentials (the cloud provider config azure.json with
// the kubelet identity or service principal secret).
func isCloudCredentialPath(p string) bool {
	for _, s := range cloudCredentialPaths {
		if p == s || strings.HasPrefix(p, s+"/") {
			return true
		}
	}
	return false
}
