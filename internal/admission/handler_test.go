package admission

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
	"github.com/bulwark-sec/bulwark/internal/scan"
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
