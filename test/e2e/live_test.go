package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// node creates a Node and sets its status, as a kubelet would.
func node(t *testing.T, s *apiserver.Server, name, image string, unschedulable bool, info corev1.NodeSystemInfo, ready corev1.ConditionStatus) {
	t.Helper()
	ctx := context.Background()
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.azure.com/node-image-version": image}},
		Spec:       corev1.NodeSpec{Unschedulable: unschedulable},
	}
	n, err := s.Client.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
	apiserver.Must(t, err)
	n.Status.NodeInfo = info
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready, Reason: "KubeletReady",
		LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.NewTime(time.Now().Add(-3 * time.Hour))}}
	_, err = s.Client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
	apiserver.Must(t, err)
}

// TestLiveOnlyChecks runs the checks only a cluster feeds against a real API
// server: the nodes' checks compare with the server's own version
// (v1.37.2), and K8S-036 finds pods that run against their namespace's
// enforced level.
func TestLiveOnlyChecks(t *testing.T) {
	s := shared(t)
	ctx := context.Background()
	today := time.Now().UTC().Format("200601.02")
	info := func(kubelet, osImage, runtime string) corev1.NodeSystemInfo {
		return corev1.NodeSystemInfo{KubeletVersion: kubelet, OSImage: osImage, KernelVersion: "5.15.0-1074-azure", ContainerRuntimeVersion: runtime,
			Architecture: "amd64", OperatingSystem: "linux"}
	}
	node(t, s, "live-current", "AKSUbuntu-2204gen2containerd-"+today+".0", false, info("v1.37.2", "Ubuntu 22.04.5 LTS", "containerd://1.7.29-1"), corev1.ConditionTrue)
	node(t, s, "live-skewed", "AKSUbuntu-2204gen2containerd-"+today+".0", false, info("v1.33.4", "Ubuntu 22.04.5 LTS", "containerd://1.7.29-1"), corev1.ConditionTrue)
	node(t, s, "live-behind", "AKSUbuntu-2204gen2containerd-"+today+".0", false, info("v1.36.1", "Ubuntu 22.04.5 LTS", "containerd://1.7.29-1"), corev1.ConditionTrue)
	node(t, s, "live-stale", "AKSUbuntu-2004gen2containerd-202409.03.0", true, info("v1.37.2", "Ubuntu 20.04.6 LTS", "containerd://1.7.26-1"), corev1.ConditionFalse)

	// Pods that predate the namespace's label: the API server admits the
	// label change with a warning and leaves them running.
	namespace(t, s, "legacy", nil)
	createPod(t, s, privileged("legacy", "debug"))
	createPod(t, s, pod("legacy", "fine", nil))
	// A pod of a ReplicaSet: judged through the ReplicaSet's template by the
	// other checks, but running all the same.
	tpl := privileged("legacy", "")
	rs, err := s.Client.AppsV1().ReplicaSets("legacy").Create(ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "legacy", Name: "web-7c9"},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: tpl.Labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: tpl.Labels}, Spec: tpl.Spec}},
	}, metav1.CreateOptions{})
	apiserver.Must(t, err)
	owned := privileged("legacy", "web-7c9-abc")
	owned.OwnerReferences = ownedBy("ReplicaSet", "apps/v1", rs)
	createPod(t, s, owned)
	ns, err := s.Client.CoreV1().Namespaces().Get(ctx, "legacy", metav1.GetOptions{})
	apiserver.Must(t, err)
	ns.Labels["pod-security.kubernetes.io/enforce"] = "baseline"
	_, err = s.Client.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{})
	apiserver.Must(t, err)

	r := bulwarkJSON(t, "scan", "cluster", "--kubeconfig", s.Kubeconfig, "--checks", "K8S-036,K8S-140,K8S-141,K8S-142,K8S-143,K8S-144,K8S-145")
	if r.rep.Summary.Result == "error" {
		t.Fatalf("scan incomplete: %+v %s", r.rep.Errors, r.err)
	}
	got := map[string][]string{}
	for _, f := range r.rep.Findings {
		if strings.HasPrefix(f.Subject.Name, "live-") || f.Subject.Name == "legacy" {
			got[f.CheckID] = append(got[f.CheckID], f.Subject.Name)
		}
	}
	want := map[string][]string{
		"K8S-036": {"legacy"},
		"K8S-140": {"live-skewed"},
		"K8S-141": {"live-behind"},
		"K8S-142": {"live-stale"},
		"K8S-143": {"live-stale"},
		"K8S-144": {"live-stale"},
		"K8S-145": {"live-stale", "live-stale"}, // NotReady and cordoned
	}
	for id, w := range want {
		g := got[id]
		slices.Sort(g)
		if !slices.Equal(g, w) {
			t.Errorf("%s on %v, want %v", id, g, w)
		}
	}
	for _, f := range r.rep.Findings {
		switch {
		case f.CheckID == "K8S-036" && f.Subject.Name == "legacy":
			if !strings.Contains(f.Message, `2 of the 3 pods running in namespace "legacy" violate the Pod Security level it enforces (baseline:latest)`) {
				t.Errorf("K8S-036 message: %s", f.Message)
			}
		case f.CheckID == "K8S-140" && f.Subject.Name == "live-skewed":
			if !strings.Contains(f.Message, "v1.33.4, 4 minor versions behind the API server v1.37.2") || f.Location.Resource != "/api/v1/nodes/live-skewed" {
				t.Errorf("K8S-140: %s at %+v", f.Message, f.Location)
			}
		}
	}
}
