package admission

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/crane"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
)

type labels map[string]map[string]string

func (l labels) Labels(ns string) (map[string]string, bool) { m, ok := l[ns]; return m, ok }

func newHandler(t *testing.T) (*Handler, *[]Record) {
	t.Helper()
	svc, err := scan.NewService(scan.Options{Settings: *checktest.DefaultSettings(), Gate: decide.Gate{FailOn: finding.SeverityHigh}}, "admission serve", check.Admission)
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	return &Handler{
		Service: svc, DefaultMode: Enforce, FailureMode: FailDeny, Metrics: NewMetrics(),
		Namespaces: labels{"dev": {ModeLabel: "warn"}, "lab": {ModeLabel: "audit"}},
		Audit:      func(r Record) { recs = append(recs, r) },
	}, &recs
}

func pod(ns, name string, privileged bool) *corev1.Pod {
	p := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: ptr.To(false),
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(10001)),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{Name: "app", Image: "myacr.azurecr.io/app@sha256:" + strings.Repeat("a", 64),
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
				Resources: corev1.ResourceRequirements{}}},
		},
	}
	if privileged {
		p.Spec.Containers[0].SecurityContext.Privileged = ptr.To(true)
	}
	return p
}

func review(t *testing.T, op admissionv1.Operation, obj runtime.Object, ns, name string) []byte {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	kind := obj.GetObjectKind().GroupVersionKind()
	r := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID("uid-1"), Kind: metav1.GroupVersionKind{Group: kind.Group, Version: kind.Version, Kind: kind.Kind},
			Operation: op, Namespace: ns, Name: name, Object: runtime.RawExtension{Raw: raw},
		},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends body over real TLS on loopback and returns the response.
func post(t *testing.T, srv *httptest.Server, body []byte, contentType string) (*admissionv1.AdmissionResponse, int) {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL+"/validate", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(data, &out); err != nil || out.Response == nil {
		t.Fatalf("answer is not an AdmissionReview: %v %s", err, data)
	}
	if out.Response.UID != "uid-1" {
		t.Errorf("uid %q, want the request's", out.Response.UID)
	}
	return out.Response, resp.StatusCode
}

func serve(t *testing.T, h *Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/validate", h)
	mux.Handle("/mutate", h.Mutator())
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestEnforceDeniesWithOneLinePerFinding(t *testing.T) {
	h, recs := newHandler(t)
	srv := serve(t, h)
	resp, _ := post(t, srv, review(t, admissionv1.Create, pod("shop", "debug", true), "shop", "debug"), "application/json")
	if resp.Allowed || resp.Result == nil || resp.Result.Code != http.StatusForbidden {
		t.Fatalf("privileged pod admitted: %+v", resp)
	}
	msg := resp.Result.Message
	for _, want := range []string{"bulwark denied Pod shop/debug", "K8S-001 spec.containers[0].securityContext.privileged:", "Fix: "} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if len(*recs) != 0 {
		t.Errorf("an enforced denial was audited: %v", *recs)
	}
	// The same handler admits a compliant pod, silently.
	resp, _ = post(t, srv, review(t, admissionv1.Create, pod("shop", "web", false), "shop", "web"), "application/json")
	if !resp.Allowed || len(resp.Warnings) != 0 {
		t.Errorf("compliant pod: allowed %v, warnings %v", resp.Allowed, resp.Warnings)
	}
}

func TestWarnAndAuditModesAdmit(t *testing.T) {
	h, recs := newHandler(t)
	srv := serve(t, h)
	resp, _ := post(t, srv, review(t, admissionv1.Create, pod("dev", "debug", true), "dev", "debug"), "application/json")
	if !resp.Allowed || len(resp.Warnings) == 0 || !strings.HasPrefix(resp.Warnings[0], "K8S-") {
		t.Errorf("warn mode: allowed %v, warnings %v", resp.Allowed, resp.Warnings)
	}
	for _, w := range resp.Warnings {
		if len(w) > maxWarningLen {
			t.Errorf("warning of %d bytes", len(w))
		}
	}
	resp, _ = post(t, srv, review(t, admissionv1.Update, pod("lab", "debug", true), "lab", "debug"), "application/json")
	if !resp.Allowed || len(resp.Warnings) != 0 {
		t.Errorf("audit mode: allowed %v, warnings %v", resp.Allowed, resp.Warnings)
	}
	if len(*recs) != 2 || (*recs)[1].Mode != Audit || (*recs)[1].Decision != "allow" || len((*recs)[1].Findings) == 0 {
		t.Errorf("audit records %+v", *recs)
	}
}

func TestRequestsThatAreNotJudged(t *testing.T) {
	h, _ := newHandler(t)
	h.MaxBody = 64 << 10
	srv := serve(t, h)
	// DELETE carries no new object: nothing to judge.
	if resp, _ := post(t, srv, review(t, admissionv1.Delete, pod("shop", "debug", true), "shop", "debug"), "application/json"); !resp.Allowed {
		t.Error("DELETE denied")
	}
	big := pod("shop", "big", false)
	big.Annotations = map[string]string{"x": strings.Repeat("a", 128<<10)}
	if _, code := post(t, srv, review(t, admissionv1.Create, big, "shop", "big"), "application/json"); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized review: status %d", code)
	}
	if _, code := post(t, srv, review(t, admissionv1.Create, pod("shop", "a", false), "shop", "a"), "text/plain"); code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: status %d", code)
	}
	old := bytes.Replace(review(t, admissionv1.Create, pod("shop", "a", false), "shop", "a"), []byte("admission.k8s.io/v1"), []byte("admission.k8s.io/v1beta1"), 1)
	if _, code := post(t, srv, old, "application/json"); code != http.StatusBadRequest {
		t.Errorf("v1beta1 review: status %d", code)
	}
}

func TestUndecodableObjectFollowsTheFailureMode(t *testing.T) {
	body := bytes.Replace(review(t, admissionv1.Create, pod("shop", "a", false), "shop", "a"), []byte(`"automountServiceAccountToken":false`), []byte(`"automountServiceAccountToken":"no"`), 1)
	for _, fm := range []FailureMode{FailDeny, FailAllow} {
		h, _ := newHandler(t)
		h.FailureMode = fm
		resp, _ := post(t, serve(t, h), body, "application/json")
		switch fm {
		case FailDeny:
			if resp.Allowed || !strings.Contains(resp.Result.Message, "not assessed, denied by failure mode deny") {
				t.Errorf("deny: %+v", resp)
			}
		case FailAllow:
			if !resp.Allowed || len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0], "not assessed, admitted by failure mode allow") {
				t.Errorf("allow: %+v", resp)
			}
		}
	}
}

// Names reach the message escaped: no forged lines, no terminal control.
func TestMessagesAreOneLineEach(t *testing.T) {
	h, _ := newHandler(t)
	p := pod("shop", "x\nK8S-000 forged: all clear\x1b[2J", true)
	resp, _ := post(t, serve(t, h), review(t, admissionv1.Create, p, "shop", p.Name), "application/json")
	if resp.Allowed {
		t.Fatal("admitted")
	}
	for _, l := range strings.Split(resp.Result.Message, "\n") {
		if strings.HasPrefix(l, "K8S-000") || strings.ContainsRune(l, '\x1b') {
			t.Errorf("forged or raw line %q", l)
		}
	}
}

func TestDeadlineFollowsTheFailureMode(t *testing.T) {
	h, _ := newHandler(t)
	h.Deadline = time.Nanosecond
	resp, _ := post(t, serve(t, h), review(t, admissionv1.Create, pod("shop", "a", false), "shop", "a"), "application/json")
	if resp.Allowed || !strings.Contains(resp.Result.Message, "deadline") {
		t.Errorf("past the deadline: %+v", resp)
	}
}

// imageHandler is a handler whose service runs the image gate over a
// loopback registry: api:1 signed and scanned, unsigned:1 scanned only.
// The vulnerability checks are left out (no database here; the e2e test
// has one).
func imageHandler(t testing.TB) (*Handler, string) {
	t.Helper()
	host := signtest.NewRegistry(t, true)
	ca := signtest.NewCA(t)
	trustDir := ca.WriteTrustDir(t, t.TempDir(), "*")
	cacheDir := t.TempDir()
	for _, ref := range []string{host + "/shop/api:1", host + "/shop/unsigned:1"} {
		signtest.PushRandomImage(t, ref)
		if strings.Contains(ref, "api") {
			ca.Sign(t, ref)
		}
		rs := imagescan.Scan(context.Background(), []imagescan.Target{{Ref: ref}}, imagescan.Options{Cache: &imagescan.Cache{Dir: cacheDir}, DBMissing: "none"})
		if rs[0].Err != "" {
			t.Fatal(rs[0].Err)
		}
	}
	io, err := scan.BuildImageOptions(context.Background(), scan.ImageConfig{DBDir: t.TempDir(), CacheDir: cacheDir, TrustDir: trustDir,
		Admission: &scan.GateConfig{}}, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	skip := []*check.Check{}
	for _, id := range []string{"IMG-001", "IMG-002", "IMG-003", "IMG-004", "IMG-005"} {
		c, _ := check.Lookup(id)
		skip = append(skip, c)
	}
	svc, err := scan.NewAdmissionService(scan.Options{Settings: *checktest.DefaultSettings(), Gate: decide.Gate{FailOn: finding.SeverityHigh},
		Images: io, SkipChecks: skip}, "admission serve")
	if err != nil {
		t.Fatal(err)
	}
	if !svc.Images() {
		t.Fatal("the service runs no image gate")
	}
	return &Handler{Service: svc, DefaultMode: Enforce, FailureMode: FailDeny, Metrics: NewMetrics(),
		Namespaces: labels{"dev": {ModeLabel: "warn"}, "pinned": {PinLabel: "true"}}}, host
}

func podWith(ns, image string) *corev1.Pod {
	p := pod(ns, "web", false)
	p.Spec.Containers[0].Image = image
	return p
}

func TestImageGate(t *testing.T) {
	h, host := imageHandler(t)
	srv := serve(t, h)
	send := func(ns, image string) *admissionv1.AdmissionResponse {
		resp, _ := post(t, srv, review(t, admissionv1.Create, podWith(ns, image), ns, "web"), "application/json")
		return resp
	}
	if r := send("shop", host+"/shop/api:1"); !r.Allowed {
		t.Errorf("signed, scanned image denied: %+v", r.Result)
	}
	r := send("shop", host+"/shop/unsigned:1")
	if r.Allowed || !strings.Contains(r.Result.Message, "IMG-010 image "+host+"/shop/unsigned:1: "+host+"/shop/unsigned@sha256:") ||
		!strings.Contains(r.Result.Message, "no Notation signature found") {
		t.Errorf("unsigned image: %+v", r.Result)
	}
	// Pushed after the scans: no scan record.
	signtest.PushRandomImage(t, host+"/shop/fresh:1")
	if r := send("shop", host+"/shop/fresh:1"); r.Allowed || !strings.Contains(r.Result.Message, "IMG-013 image "+host+"/shop/fresh:1: no scan record") {
		t.Errorf("never-scanned image: %+v", r.Result)
	}
	// A warn namespace admits with the finding as a warning.
	if r := send("dev", host+"/shop/unsigned:1"); !r.Allowed || len(r.Warnings) == 0 || !strings.HasPrefix(r.Warnings[0], "IMG-010 image ") {
		t.Errorf("warn namespace: %+v", r)
	}

	// A registry that does not answer: the failure mode, said.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := ln.Addr().String() + "/shop/api:1"
	ln.Close()
	r = send("shop", gone)
	if r.Allowed || !strings.Contains(r.Result.Message, "image "+gone+" not assessed, denied by failure mode deny: resolving "+gone) {
		t.Errorf("unreachable, deny: %+v", r.Result)
	}
	// The header counts the image apart: it is not a finding.
	if head, _, _ := strings.Cut(r.Result.Message, "\n"); !strings.HasSuffix(head, "1 image(s) not assessed") || strings.Contains(head, "2 blocking") {
		t.Errorf("unreachable, deny: header %q", head)
	}
	h.FailureMode = FailAllow
	r = send("shop", gone)
	if !r.Allowed || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "not assessed") || !strings.Contains(r.Warnings[0], "admitted by failure mode allow") {
		t.Errorf("unreachable, allow: %+v", r)
	}
	// Allowed with a warning, yet a privileged container is still denied.
	p := podWith("shop", gone)
	p.Spec.Containers[0].SecurityContext.Privileged = ptr.To(true)
	resp, _ := post(t, srv, review(t, admissionv1.Create, p, "shop", "web"), "application/json")
	if resp.Allowed || !strings.Contains(resp.Result.Message, "K8S-001") {
		t.Errorf("privileged pod with an unreachable image: %+v", resp.Result)
	}

	var buf bytes.Buffer
	mfs, err := h.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if c := m.GetCounter(); c != nil && strings.HasPrefix(mf.GetName(), "bulwark_admission_image_") {
				fmt.Fprintf(&buf, "%s{%s} %g\n", mf.GetName(), m.GetLabel()[0].GetValue(), c.GetValue())
			}
		}
	}
	// api:1 was judged once (miss); unsigned:1 twice (a miss, then a hit);
	// fresh:1 (unsigned too) once; the unreachable image three times.
	for _, want := range []string{"bulwark_admission_image_cache_total{hit} 1", "bulwark_admission_image_cache_total{miss} 3",
		"bulwark_admission_image_verification_failures_total{unverified} 3", "bulwark_admission_image_verification_failures_total{not-assessed} 3"} {
		if !strings.Contains(buf.String(), want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, buf.String())
		}
	}
}

func TestMutatorPinsTagsInOptedInNamespaces(t *testing.T) {
	h, host := imageHandler(t)
	srv := serve(t, h)
	mutate := func(ns string, obj runtime.Object) *admissionv1.AdmissionResponse {
		t.Helper()
		resp, err := srv.Client().Post(srv.URL+"/mutate", "application/json", bytes.NewReader(review(t, admissionv1.Create, obj, ns, "web")))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out admissionv1.AdmissionReview
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Response == nil {
			t.Fatalf("answer: %v", err)
		}
		return out.Response
	}
	api := host + "/shop/api:1"
	p := podWith("pinned", api)
	p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: api}}
	p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "side", Image: host + "/shop/api@sha256:" + strings.Repeat("b", 64)})
	r := mutate("pinned", p)
	if !r.Allowed || r.PatchType == nil || *r.PatchType != admissionv1.PatchTypeJSONPatch {
		t.Fatalf("response %+v", r)
	}
	var ops []map[string]string
	if err := json.Unmarshal(r.Patch, &ops); err != nil {
		t.Fatal(err)
	}
	d := digestOf(t, api)
	want := []map[string]string{
		{"op": "replace", "path": "/spec/initContainers/0/image", "value": api + "@" + d},
		{"op": "replace", "path": "/spec/containers/0/image", "value": api + "@" + d},
	}
	if fmt.Sprint(ops) != fmt.Sprint(want) {
		t.Errorf("patch %v, want %v", ops, want)
	}
	// Not opted in: no patch.
	if r := mutate("shop", podWith("shop", api)); !r.Allowed || r.Patch != nil {
		t.Errorf("namespace without the label patched: %+v", r)
	}
	// An image that cannot be resolved is left alone, and admitted: the
	// validating webhook judges it.
	if r := mutate("pinned", podWith("pinned", "127.0.0.1:1/shop/api:1")); !r.Allowed || r.Patch != nil {
		t.Errorf("unresolvable image: %+v", r)
	}
}

// digestOf asks the registry what ref points to, apart from the gate.
func digestOf(t *testing.T, ref string) string {
	t.Helper()
	d, err := crane.Digest(ref)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
