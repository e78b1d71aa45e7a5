package cluster

import (
	"slices"
	"testing"
)

func TestKubeletVersionSkew(t *testing.T) {
	tests := []struct {
		server, kubelet  string
		want140, want141 bool
	}{
		{"v1.33.2", "v1.33.2", false, false},
		{"v1.33.2", "v1.33.0", false, true},  // patch behind
		{"v1.33.2", "v1.32.9", false, true},  // one minor behind
		{"v1.33.2", "v1.30.14", false, true}, // three behind: still supported
		{"v1.33.2", "v1.29.15", true, false}, // four behind
		{"v1.33.2", "v1.34.0", true, false},  // newer than the API server
		{"v1.33.2", "v1.33.3", false, false}, // newer patch: allowed
		{"v1.33.2-eks-a737599", "v1.33.2-eks-113cf36", false, false},
		{"v1.33.2", "v2.0.0", true, false},
		{"v1.33.2", "", false, false}, // not reported: nothing to judge
	}
	for _, tt := range tests {
		t.Run(tt.server+"/"+tt.kubelet, func(t *testing.T) {
			doc := nodeDoc("aks-np-0", tt.kubelet, "AKSUbuntu-2204gen2containerd-202611.20.0", "Ubuntu 22.04.5 LTS", "containerd://1.7.29-1")
			ci := live(t, tt.server, "")
			for id, want := range map[string]bool{"K8S-140": tt.want140, "K8S-141": tt.want141} {
				fs := run(t, id, doc, ci)
				if got := len(fs) == 1; got != want || len(fs) > 1 {
					t.Errorf("%s: want finding %v, got %v", id, want, fs)
				}
				for _, f := range fs {
					if f.Field != "status.nodeInfo.kubeletVersion" || f.Evidence != tt.kubelet {
						t.Errorf("%s: field %q evidence %q", id, f.Field, f.Evidence)
					}
				}
			}
		})
	}
}

func TestNodeChecksNeedACluster(t *testing.T) {
	doc := nodeDoc("aks-np-1", "v1.20.0", "AKSUbuntu-1804gen2containerd-2022.01.19", "Ubuntu 18.04.6 LTS", "containerd://1.4.9")
	for _, id := range []string{"K8S-140", "K8S-141", "K8S-142", "K8S-143"} {
		if fs := run(t, id, doc, nil); len(fs) != 0 {
			t.Errorf("%s on files: want no finding, got %v", id, fs)
		}
	}
	// The runtime is judged on its own.
	if got := run(t, "K8S-144", doc, nil); !slices.Equal(fieldsOf(got), []string{"status.nodeInfo.containerRuntimeVersion"}) {
		t.Errorf("K8S-144 on files: %v", got)
	}
}
