package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/operator"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// runningPod creates a pod running ref at digest (its status imageID,
// set as a kubelet would).
func runningPod(t *testing.T, s *apiserver.Server, ns, name, ref, digest string) {
	t.Helper()
	ctx := context.Background()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: ref}}}}
	p, err := s.Client.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
	apiserver.Must(t, err)
	repo := ref[:strings.LastIndex(ref, ":")]
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", Image: ref, ImageID: repo + "@" + digest}}
	_, err = s.Client.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{})
	apiserver.Must(t, err)
}

func imageResult(rp *openreports.Report, check, ref string) (openreports.ReportResult, bool) {
	return resultFor(rp, check, "Image", ref)
}

func notAssessed(rp *openreports.Report, check string) (openreports.ReportResult, bool) {
	i := slices.IndexFunc(rp.Results, func(r openreports.ReportResult) bool {
		return r.Policy == check && r.Properties[operator.PropStatus] == operator.StatusNotAssessed
	})
	if i < 0 {
		return openreports.ReportResult{}, false
	}
	return rp.Results[i], true
}

// TestOperatorImages runs the operator with --images against a real API
// server and a real registry on loopback: running digests are judged from
// the scan records the pipeline wrote (a digest without one is IMG-013,
// and the checks it keeps from judging it are not assessed); without
// --reverify-interval no registry is asked and the signature and drift
// checks say so; with it, a tag moved in the registry reaches the report
// as drift (IMG-012) and an unsigned re-point (IMG-011) within the
// interval.
func TestOperatorImages(t *testing.T) {
	s := apiserver.Start(t)
	installReportCRDs(t, s)
	ctx := context.Background()
	host := imagetest.Registry(t)
	ca := signtest.NewCA(t)
	trust := ca.WriteTrustDir(t, t.TempDir(), "*")
	api, worker := host+"/shop/api:2.0", host+"/shop/worker:1"
	deployed := signtest.PushRandomImage(t, api)
	ca.Sign(t, api)
	unscanned := signtest.PushRandomImage(t, worker)

	// The pipeline scans what it deploys into the shared cache.
	cache, db := t.TempDir(), t.TempDir()
	if r := bulwark(t, "scan", "image", api, "--cache-dir", cache, "--db-dir", db, "--no-base-check", "--checks", "IMG-013"); r.code != 0 {
		t.Fatalf("scan image: exit %d\n%s", r.code, r.err)
	}

	_, err := s.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "imgs"}}, metav1.CreateOptions{})
	apiserver.Must(t, err)
	runningPod(t, s, "imgs", "api", api, deployed.String())
	runningPod(t, s, "imgs", "worker", worker, unscanned.String())

	flags := defaultFlags()
	flags.OnlyChecks = []string{"IMG-010", "IMG-011", "IMG-012", "IMG-013"}
	images := &scan.ImageConfig{CacheDir: cache, DBDir: db, TrustDir: trust, NoBase: true}
	rc := reportClient(t, s.Config)

	// Offline (the default): records only, no registry.
	stop := runOperator(t, operator.Config{Rest: s.Config, Flags: flags, Images: images})
	rp := waitReport(t, rc, "imgs", 30*time.Second, "images judged offline", func(rp *openreports.Report) bool {
		_, ok := imageResult(rp, "IMG-013", worker)
		return ok
	})
	if r, _ := imageResult(rp, "IMG-013", worker); r.Result != "fail" || !strings.Contains(r.Description, unscanned.String()) {
		t.Errorf("IMG-013 on the unscanned digest: %+v", r)
	}
	if _, ok := imageResult(rp, "IMG-013", api); ok {
		t.Errorf("IMG-013 on the scanned digest: %v", summarize(rp.Results))
	}
	for check, why := range map[string]string{"IMG-012": "tags are not resolved", "IMG-010": "--reverify-interval", "IMG-011": "--reverify-interval"} {
		r, ok := notAssessed(rp, check)
		if !ok || r.Result != "error" || !strings.Contains(r.Description, why) || !strings.Contains(r.Description, api) {
			t.Errorf("%s not assessed offline: %v (%+v)", check, ok, r)
		}
	}
	if _, ok := imageResult(rp, "IMG-012", api); ok {
		t.Errorf("drift reported without asking the registry: %v", summarize(rp.Results))
	}
	stop()

	// With --reverify-interval: the signature verifies and the tag has
	// not moved; then the tag is re-pointed to an unsigned image.
	images.Reverify = 2 * time.Second
	runOperator(t, operator.Config{Rest: s.Config, Flags: flags, Images: images})
	rp = waitReport(t, rc, "imgs", 30*time.Second, "signatures verified", func(rp *openreports.Report) bool {
		_, na := notAssessed(rp, "IMG-010")
		_, na12 := notAssessed(rp, "IMG-012")
		return !na && !na12
	})
	for _, c := range []string{"IMG-010", "IMG-011", "IMG-012"} {
		if r, ok := imageResult(rp, c, api); ok {
			t.Errorf("%s on the signed, unmoved image: %+v", c, r)
		}
	}
	if _, ok := imageResult(rp, "IMG-010", worker); !ok {
		t.Errorf("the unsigned worker image: no IMG-010: %v", summarize(rp.Results))
	}
	moved := signtest.PushRandomImage(t, api)
	rp = waitReport(t, rc, "imgs", 3*images.Reverify+changeDeadline, "the moved tag reported", func(rp *openreports.Report) bool {
		_, ok := imageResult(rp, "IMG-012", api)
		return ok
	})
	if r, _ := imageResult(rp, "IMG-012", api); !strings.Contains(r.Description, moved.String()) || !strings.Contains(r.Description, deployed.String()) {
		t.Errorf("IMG-012: %+v", r)
	}
	if _, ok := imageResult(rp, "IMG-011", api); !ok {
		t.Errorf("tag re-pointed to an unsigned image: no IMG-011: %v", summarize(rp.Results))
	}
}
