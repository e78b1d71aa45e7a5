package cluster

import (
	"strings"
	"testing"
)

func TestNodeOSEndOfLife(t *testing.T) {
	// observed is 2026-11-26.
	tests := []struct {
		osImage string
		want    string // substring of the message; "" for no finding
	}{
		{"Ubuntu 22.04.5 LTS", ""},
		{"Ubuntu 24.04.1 LTS", ""},
		{"Ubuntu 20.04.6 LTS", "Ubuntu 20.04 LTS (Ubuntu 20.04.6 LTS), out of support since 2025-05-31"},
		{"Ubuntu 18.04.6 LTS", "since 2023-05-31"},
		{"CBL-Mariner/Linux", "Azure Linux (CBL-Mariner) 2.0"},
		{"Microsoft Azure Linux 3.0", ""},
		{"Windows Server 2019 Datacenter", "retired on AKS in March 2026"},
		{"Windows Server 2022 Datacenter", ""}, // until March 2027
		{"", ""},
	}
	for _, tt := range tests {
		fs := run(t, "K8S-143", nodeDoc("aks-np-1", "v1.37.2", "", tt.osImage, ""), live(t, "v1.37.2", ""))
		switch {
		case tt.want == "" && len(fs) != 0:
			t.Errorf("%q: want no finding, got %v", tt.osImage, fs)
		case tt.want != "" && (len(fs) != 1 || !strings.Contains(fs[0].Message, tt.want) || fs[0].Field != "status.nodeInfo.osImage"):
			t.Errorf("%q: want one finding with %q, got %v", tt.osImage, tt.want, fs)
		}
	}
}
