package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestNodePortService(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
		evidence  string
	}{
		{"NodePort", exposureService("", "  type: NodePort\n"), []string{"spec.type"}, "NodePort"},
		{"LoadBalancer pins a node port", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n  ports:\n  - {port: 80}\n  - {port: 443, nodePort: 30443}\n",
			[]string{"spec.ports[1].nodePort"}, "30443"},
		{"LoadBalancer without pinned ports", exposureService("", "  type: LoadBalancer\n"), []string{}, ""},
		{"ClusterIP", exposureService("", "  type: ClusterIP\n"), []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-089", tt.doc, nil)
			if got := checktest.Fields(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(fs) > 0 && fs[0].Evidence != tt.evidence {
				t.Errorf("evidence = %q, want %q", fs[0].Evidence, tt.evidence)
			}
		})
	}
}

func TestNodePortServiceLocation(t *testing.T) {
	fs := checktest.Run(t, "K8S-089", exposureService("", "  type: NodePort\n"), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:8:3" {
		t.Errorf("location = %s, want test.yaml:8:3", got)
	}
}
