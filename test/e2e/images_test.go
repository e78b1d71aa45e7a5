package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// TestClusterImages runs scan cluster --images against a real API server:
// the images are judged at the digest the pods run (their status imageID,
// set here as a kubelet would), a tag moved since is drift, a tag moved to
// an unsigned image is IMG-011, and --images-from-cache reports a running
// digest that no scan recorded.
func TestClusterImages(t *testing.T) {
	s := shared(t)
	ctx := context.Background()
	host := imagetest.Registry(t)
	ca := signtest.NewCA(t)
	trust := ca.WriteTrustDir(t, t.TempDir(), "*")

	api := host + "/shop/api:2.0"
	deployed := signtest.PushRandomImage(t, api)
	ca.Sign(t, api)
	moved := signtest.PushRandomImage(t, api) // re-pointed, never signed

	namespace(t, s, "imgs", nil)
	rs, err := s.Client.AppsV1().ReplicaSets("imgs").Create(ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "imgs", Name: "api-5d4"},
		Spec: appsv1.ReplicaSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "api"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "api"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "api", Image: api}}},
			},
		},
	}, metav1.CreateOptions{})
	apiserver.Must(t, err)
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "imgs", Name: "api-5d4-x1", Labels: map[string]string{"app": "api"}, OwnerReferences: ownedBy("ReplicaSet", "apps/v1", rs)},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "api", Image: api}}},
	}
	p, err = s.Client.CoreV1().Pods("imgs").Create(ctx, p, metav1.CreateOptions{})
	apiserver.Must(t, err)
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "api", Image: api, ImageID: strings.TrimSuffix(api, ":2.0") + "@" + deployed.String()}}
	_, err = s.Client.CoreV1().Pods("imgs").UpdateStatus(ctx, p, metav1.UpdateOptions{})
	apiserver.Must(t, err)

	db := t.TempDir()
	cache := t.TempDir()
	r := bulwarkJSON(t, "scan", "cluster", "--kubeconfig", s.Kubeconfig, "-n", "imgs", "--images", "--trust-policy", trust,
		"--db-dir", db, "--cache-dir", cache, "--no-base-check", "--checks", "IMG-010,IMG-011,IMG-012,IMG-013")
	var got []string
	for _, f := range r.rep.Findings {
		got = append(got, f.CheckID+" "+f.Subject.Name)
		if f.CheckID == "IMG-012" && (!strings.Contains(f.Message, deployed.String()) || !strings.Contains(f.Message, moved.String())) {
			t.Errorf("IMG-012 message: %s", f.Message)
		}
		if f.Location.Resource != "/apis/apps/v1/namespaces/imgs/replicasets/api-5d4" {
			t.Errorf("%s located at %+v, want the ReplicaSet", f.CheckID, f.Location)
		}
	}
	slices.Sort(got)
	if want := []string{"IMG-011 " + api, "IMG-012 " + api}; !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q (stderr %s)", got, want, r.err)
	}
	// The running digest verified (no IMG-010). No vulnerability check
	// was selected, so the missing database is no error.
	if r.code != 1 || len(r.rep.Errors) != 0 {
		t.Errorf("exit %d, errors %+v", r.code, r.rep.Errors)
	}

	// Judged from records only: the running digest was scanned above (its
	// record is in the cache); a pod running an unscanned digest is not.
	other := host + "/shop/worker:1"
	otherDigest := signtest.PushRandomImage(t, other)
	w := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "imgs", Name: "worker"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "w", Image: other}}}}
	w, err = s.Client.CoreV1().Pods("imgs").Create(ctx, w, metav1.CreateOptions{})
	apiserver.Must(t, err)
	w.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "w", Image: other, ImageID: strings.TrimSuffix(other, ":1") + "@" + otherDigest.String()}}
	_, err = s.Client.CoreV1().Pods("imgs").UpdateStatus(ctx, w, metav1.UpdateOptions{})
	apiserver.Must(t, err)
	r = bulwarkJSON(t, "scan", "cluster", "--kubeconfig", s.Kubeconfig, "-n", "imgs", "--images", "--images-from-cache",
		"--db-dir", db, "--cache-dir", cache, "--no-base-check", "--checks", "IMG-013")
	got = nil
	for _, f := range r.rep.Findings {
		got = append(got, f.CheckID+" "+f.Subject.Name)
	}
	if want := []string{"IMG-013 " + other}; !slices.Equal(got, want) {
		t.Errorf("records only: findings %q, want %q (stderr %s)", got, want, r.err)
	}
}
