package scan

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

func TestNodePlatforms(t *testing.T) {
	node := func(os, arch string) *inventory.Object {
		n := &corev1.Node{Status: corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{OperatingSystem: os, Architecture: arch}}}
		return inventory.NewObject(metav1.TypeMeta{APIVersion: "v1", Kind: "Node"}, &n.ObjectMeta, n, finding.Location{}, nil)
	}
	got := nodePlatforms([]*inventory.Object{node("linux", "amd64"), node("linux", "arm64"), node("linux", "amd64"), node("", ""), node("windows", "amd64")})
	var s []string
	for _, p := range got {
		s = append(s, p.String())
	}
	if want := "linux/amd64 linux/arm64 windows/amd64"; strings.Join(s, " ") != want {
		t.Errorf("platforms %v, want %s", s, want)
	}
	if nodePlatforms(nil) != nil {
		t.Error("no nodes must leave the defaults")
	}
}
