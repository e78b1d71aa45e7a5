package cluster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// The end-to-end tests (test/e2e) read every kind from a real API server;
// these cover what needs none.

func TestKindPaths(t *testing.T) {
	tests := []struct {
		kind, ns, name, want string
	}{
		{"Pod", "shop", "web", "/api/v1/namespaces/shop/pods/web"},
		{"Pod", "", "", "/api/v1/pods"},
		{"Deployment", "shop", "web", "/apis/apps/v1/namespaces/shop/deployments/web"},
		{"Node", "", "aks-np-0", "/api/v1/nodes/aks-np-0"},
		{"Namespace", "", "shop", "/api/v1/namespaces/shop"},
		{"ClusterRoleBinding", "", "admins", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/admins"},
		{"NetworkPolicy", "shop", "deny", "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/deny"},
	}
	for _, tt := range tests {
		k, ok := KindOf(tt.kind)
		if !ok {
			t.Fatalf("no kind %s", tt.kind)
		}
		if got := k.Path(tt.ns, tt.name); got != tt.want {
			t.Errorf("%s %s/%s: %s, want %s", tt.kind, tt.ns, tt.name, got, tt.want)
		}
	}
}

// Every kind a check can evaluate through a pod template is read.
func TestKindsCoverWorkloads(t *testing.T) {
	for _, w := range inventory.WorkloadKinds {
		if _, ok := KindOf(w); !ok {
			t.Errorf("workload kind %s is not read", w)
		}
	}
	seen := map[string]bool{}
	for _, k := range Kinds {
		if seen[k.Kind] {
			t.Errorf("%s listed twice", k.Kind)
		}
		seen[k.Kind] = true
		if k.list == nil {
			t.Errorf("%s has no list function", k.Kind)
		}
	}
}

func TestTasks(t *testing.T) {
	c := &collector{opt: Options{Namespaces: []string{"a", "b", "a", "c"}}, exclude: map[string]bool{"c": true}}
	var got []string
	for _, tk := range c.tasks() {
		if tk.kind.Kind == "Namespace" || tk.kind.Kind == "Pod" || tk.kind.Kind == "Node" {
			got = append(got, fmt.Sprintf("%s/%s/%v", tk.kind.Kind, tk.ns, tk.get))
		}
	}
	want := []string{"Namespace/a/true", "Namespace/b/true", "Node//false", "Pod/a/false", "Pod/b/false"}
	if !slices.Equal(got, want) {
		t.Errorf("tasks %v, want %v", got, want)
	}
	c = &collector{exclude: map[string]bool{}}
	if n := len(c.tasks()); n != len(Kinds) {
		t.Errorf("all namespaces: %d tasks, want one per kind (%d)", n, len(Kinds))
	}
}

func TestExcludeSelector(t *testing.T) {
	c := &collector{exclude: map[string]bool{"kube-system": true, "gatekeeper-system": true}}
	pods, _ := KindOf("Pod")
	nss, _ := KindOf("Namespace")
	nodes, _ := KindOf("Node")
	if got, want := c.excludeSelector(task{kind: pods}), "metadata.namespace!=gatekeeper-system,metadata.namespace!=kube-system"; got != want {
		t.Errorf("pods: %q, want %q", got, want)
	}
	if got, want := c.excludeSelector(task{kind: nss}), "metadata.name!=gatekeeper-system,metadata.name!=kube-system"; got != want {
		t.Errorf("namespaces: %q, want %q", got, want)
	}
	if got := c.excludeSelector(task{kind: nodes}); got != "" {
		t.Errorf("nodes: %q", got)
	}
	if got := c.excludeSelector(task{kind: pods, ns: "shop"}); got != "" {
		t.Errorf("one namespace: %q", got)
	}
}

func TestDescribe(t *testing.T) {
	unauth := apierrors.NewUnauthorized("Unauthorized")
	if got := describe("listing pods", unauth).Error(); !strings.Contains(got, "rejected the credentials") || !strings.Contains(got, "az aks get-credentials") {
		t.Errorf("401: %s", got)
	}
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("no"))
	if err := describe("listing pods", forbidden); !apierrors.IsForbidden(err) {
		t.Errorf("the API error is not kept: %v", err)
	}
}
