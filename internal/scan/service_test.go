package scan

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/report"
)

func privilegedPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "debug", Namespace: "shop"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Image: "busybox", SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		}}},
	}
}

func restrictedPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: ptr.To(false),
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(10001)), RunAsGroup: ptr.To(int64(10001)),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name: "web", Image: "myacr.azurecr.io/web@sha256:" + string(make64('a')),
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
			}},
		},
	}
}

func make64(c byte) []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return b
}

// The service judges decoded objects with the same checks and decisions
// as a scan of the same objects in a file, located by their API path.
func TestServiceEvaluatesDecodedObjects(t *testing.T) {
	opt := options()
	svc, err := NewService(opt, "admission", check.Cluster)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Evaluate(context.Background(), privilegedPod())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.CheckID)
		if f.Location.Resource != "/api/v1/namespaces/shop/pods/debug" {
			t.Errorf("%s located at %+v", f.CheckID, f.Location)
		}
	}
	if !slices.Contains(ids, "K8S-001") || rep.Summary.ExitCode != report.ExitFail {
		t.Errorf("privileged pod: findings %v, exit %d", ids, rep.Summary.ExitCode)
	}
	// The same service, reused, on a compliant pod: nothing blocks.
	rep, _ = svc.Evaluate(context.Background(), restrictedPod())
	if rep.Summary.Blocking != 0 || rep.Summary.ExitCode != report.ExitPass {
		for _, f := range rep.Findings {
			t.Logf("%s %s %s", f.CheckID, f.Field, f.Message)
		}
		t.Errorf("restricted pod: %d blocking, exit %d", rep.Summary.Blocking, rep.Summary.ExitCode)
	}
}

// An object the scheme cannot place is an input error, never a pass.
func TestServiceRejectsUnknownObjects(t *testing.T) {
	svc, err := NewService(Options{Now: time.Now()}, "admission", check.Cluster)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := svc.Evaluate(context.Background(), &metav1.Status{})
	if len(rep.Errors) != 1 || rep.Summary.ExitCode != report.ExitError {
		t.Errorf("errors %v, exit %d", rep.Errors, rep.Summary.ExitCode)
	}
}

// A service refuses a named check its source cannot feed.
func TestServiceRefusesChecksItCannotRun(t *testing.T) {
	if _, err := NewService(Options{Checks: mustChecks(t, "AKS-101")}, "admission", check.Cluster); err == nil {
		t.Error("AKS-101 accepted for Kubernetes objects")
	}
}
