package cluster

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/version"
	"sigs.k8s.io/yaml"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// observed is the time the test clusters are observed at.
var observed = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// live describes a cluster whose API server runs gitVersion, observed at
// observed, with controlled (YAML) pods.
func live(t testing.TB, gitVersion, controlled string) *inventory.ClusterInfo {
	ci := &inventory.ClusterInfo{Server: version.Info{GitVersion: gitVersion}, ObservedAt: observed}
	if controlled != "" {
		ci.ControlledPods = parse(t, controlled)
	}
	return ci
}

func parse(t testing.TB, doc string) []*inventory.Object {
	t.Helper()
	p := manifest.Parse("test.yaml", []byte(doc), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatalf("test YAML does not load: %v", p.Errors)
	}
	return p.Objects
}

// run evaluates check id on the objects in doc, as a live source would hand
// them over when ci is not nil (with a ClusterInfo object), else as files.
func run(t testing.TB, id, doc string, ci *inventory.ClusterInfo) []finding.Finding {
	t.Helper()
	c, ok := check.Lookup(id)
	if !ok {
		t.Fatalf("check %s is not registered", id)
	}
	objs := parse(t, doc)
	for _, o := range objs {
		// The manifest loader has no type for Nodes, which manifests do
		// not hold; the tests' documents have one object each.
		if o.Kind == "Node" && o.Typed == nil {
			n := &corev1.Node{}
			if err := yaml.UnmarshalStrict([]byte(doc), n); err != nil {
				t.Fatalf("node: %v", err)
			}
			o.Typed, o.Meta = n, &n.ObjectMeta
		}
	}
	if ci != nil {
		objs = append(objs, inventory.NewObject(
			metav1.TypeMeta{APIVersion: inventory.ClusterInfoAPIVersion, Kind: inventory.ClusterInfoKind},
			&metav1.ObjectMeta{Name: "cluster"}, ci, finding.Location{Resource: "/version"}, nil))
	}
	res := engine.Run(inventory.New(objs), []*check.Check{c}, checktest.DefaultSettings(), engine.Options{Workers: 1})
	if len(res.Errors) > 0 {
		t.Fatalf("check errors: %v", res.Errors)
	}
	checktest.Observe([]*check.Check{c}, objs, res.Findings)
	return res.Findings
}

// nodeDoc is a Node as an AKS kubelet reports it.
func nodeDoc(name, kubelet, image, osImage, runtime string) string {
	return `apiVersion: v1
kind: Node
metadata:
  name: ` + name + `
  labels:
    kubernetes.azure.com/node-image-version: "` + image + `"
status:
  conditions:
  - {type: Ready, status: "True", reason: KubeletReady}
  nodeInfo:
    kubeletVersion: ` + kubelet + `
    osImage: "` + osImage + `"
    kernelVersion: 5.15.0-1074-azure
    containerRuntimeVersion: ` + runtime + "\n"
}
