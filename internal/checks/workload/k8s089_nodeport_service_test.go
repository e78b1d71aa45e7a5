package workload

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
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

func TestNodePortAllocatedByLiveLoadBalancerIsNotReported(t *testing.T) {
	c, _ := check.Lookup("K8S-089")
	svc := &corev1.Service{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80, NodePort: 31234}}}}
	live := inventory.NewObject(metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}, &svc.ObjectMeta, svc,
		finding.Location{Resource: "/api/v1/namespaces/shop/services/web"}, nil)
	r := check.NewReport(c, live)
	c.Eval(&check.Context{Inventory: inventory.New([]*inventory.Object{live}), Settings: checktest.DefaultSettings()}, live, r)
	checktest.Observe([]*check.Check{c}, []*inventory.Object{live}, r.Findings())
	if fs := r.Findings(); len(fs) != 0 {
		t.Errorf("allocated node port of a live LoadBalancer reported: %v", fs)
	}
	// The same object from a file pinned the port on purpose.
	fromFile := inventory.NewObject(metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}, &svc.ObjectMeta, svc, finding.Location{File: "svc.yaml", Line: 1}, nil)
	r = check.NewReport(c, fromFile)
	c.Eval(&check.Context{Inventory: inventory.New([]*inventory.Object{fromFile}), Settings: checktest.DefaultSettings()}, fromFile, r)
	checktest.Observe([]*check.Check{c}, []*inventory.Object{fromFile}, r.Findings())
	if len(r.Findings()) != 1 {
		t.Errorf("pinned node port in a manifest not reported")
	}
}
