package cluster

import (
	"strings"
	"testing"
)

func TestRuntimeProblem(t *testing.T) {
	tests := []struct {
		rv   string
		want string // substring; "" for none
	}{
		{"containerd://1.7.29-1", ""},
		{"containerd://1.7.27-1", ""},
		{"containerd://1.7.26-1", "CVE-2024-40635"},
		{"containerd://1.6.38", ""},
		{"containerd://1.6.18", "before 1.6.38"},
		{"containerd://2.0.3", "before 2.0.4"},
		{"containerd://2.1.4", ""},
		{"containerd://1.5.11", "containerd 1.5 is out of support"},
		{"docker://20.10.7", "dockershim was removed"},
		{"cri-o://1.30.0", ""},
		{"containerd://garbage", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := runtimeProblem(tt.rv)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("runtimeProblem(%q) = %q, want %q", tt.rv, got, tt.want)
		}
	}
	fs := run(t, "K8S-144", nodeDoc("aks-np-1", "v1.37.2", "", "", "containerd://1.7.26-1"), live(t, "v1.37.2", ""))
	if len(fs) != 1 || fs[0].Evidence != "containerd://1.7.26-1" || !strings.HasPrefix(fs[0].Message, `node "aks-np-1" runs containerd://1.7.26-1: containerd before 1.7.27`) {
		t.Errorf("finding: %v", fs)
	}
}

func TestSupportedRuntimeIsNotReported(t *testing.T) {
	if fs := run(t, "K8S-144", nodeDoc("aks-np-1", "v1.37.2", "", "", "containerd://2.1.4"), live(t, "v1.37.2", "")); len(fs) != 0 {
		t.Errorf("containerd 2.1.4 reported: %v", fs)
	}
}
