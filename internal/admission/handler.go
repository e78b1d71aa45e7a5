package admission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/bulwark-sec/bulwark/internal/imagegate"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// Limits of a request and its answer.
const (
	// DefaultMaxBody bounds an AdmissionReview: the API server stores
	// objects up to 1.5 MiB (etcd's request limit) and an UPDATE carries
	// the old object too.
	DefaultMaxBody = 4 << 20
	// DefaultDeadline is below the webhook's shortest sensible
	// timeoutSeconds (the Helm chart sets 5 s): an answer the API server
	// no longer waits for is wasted.
	DefaultDeadline = 2 * time.Second
	// maxWarnings and maxWarningLen keep warnings within what clients
	// print and the API server keeps (it drops warnings past 4 KiB).
	maxWarnings   = 12
	maxWarningLen = 240
	// maxMessageLines bounds a denial's message the same way.
	maxMessageLines = 12
)

// Handler answers AdmissionReview v1 requests.
type Handler struct {
	Service     *scan.Service
	DefaultMode Mode
	Namespaces  Namespaces // nil: every namespace gets DefaultMode
	FailureMode FailureMode
	Deadline    time.Duration // 0: DefaultDeadline
	MaxBody     int64         // 0: DefaultMaxBody
	Metrics     *Metrics      // nil: none
	// Audit, when set, receives one JSON line per judged request whose
	// verdict was not enforced (audit and warn modes).
	Audit func(Record)

	current atomic.Pointer[scan.Service]
}

// SetService replaces the service judging requests (a reloaded policy);
// requests in flight finish with the one they started with.
func (h *Handler) SetService(s *scan.Service) { h.current.Store(s) }

func (h *Handler) service() *scan.Service {
	if s := h.current.Load(); s != nil {
		return s
	}
	return h.Service
}

// Record is the audit trail of one request.
type Record struct {
	Time      time.Time `json:"time"`
	UID       string    `json:"uid"`
	Operation string    `json:"operation"`
	Kind      string    `json:"kind"`
	Namespace string    `json:"namespace,omitempty"`
	Name      string    `json:"name"`
	User      string    `json:"user"`
	Mode      Mode      `json:"mode"`
	Decision  string    `json:"decision"`
	Findings  []string  `json:"findings"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, h.review)
}

// serve reads an AdmissionReview, judges it with judge within the
// deadline and writes the answer.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, judge func(context.Context, *admissionv1.AdmissionRequest) (*admissionv1.AdmissionResponse, string)) {
	start := time.Now()
	if r.Method != http.MethodPost {
		http.Error(w, "POST an AdmissionReview", http.StatusMethodNotAllowed)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
		return
	}
	max := h.MaxBody
	if max <= 0 {
		max = DefaultMaxBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.failed("request")
			http.Error(w, fmt.Sprintf("AdmissionReview larger than %d bytes", max), http.StatusRequestEntityTooLarge)
			return
		}
		h.failed("request")
		http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
		h.failed("request")
		http.Error(w, "not an AdmissionReview with a request", http.StatusBadRequest)
		return
	}
	if review.APIVersion != admissionv1.SchemeGroupVersion.String() || review.Kind != "AdmissionReview" {
		h.failed("request")
		http.Error(w, "want admission.k8s.io/v1 AdmissionReview (set admissionReviewVersions: [v1])", http.StatusBadRequest)
		return
	}
	deadline := h.Deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	ctx, cancel := context.WithTimeout(r.Context(), deadline)
	defer cancel()
	resp, decision := judge(ctx, review.Request)
	resp.UID = review.Request.UID
	out := admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(&out); err != nil {
		return // the API server has gone; it applies its failurePolicy
	}
	if h.Metrics != nil {
		h.Metrics.latency.WithLabelValues(decision, review.Request.Kind.Kind).Observe(time.Since(start).Seconds())
	}
}

func (h *Handler) failed(reason string) {
	if h.Metrics != nil {
		h.Metrics.failures.WithLabelValues(reason).Inc()
	}
}

// review judges one request. The decision is allow, warn, deny or error.
func (h *Handler) review(ctx context.Context, req *admissionv1.AdmissionRequest) (*admissionv1.AdmissionResponse, string) {
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return &admissionv1.AdmissionResponse{Allowed: true}, "allow"
	}
	obj, err := decode(req)
	if err != nil {
		h.failed("decode")
		return h.failure(fmt.Sprintf("%s %s could not be decoded: %v", req.Kind.Kind, name(req), err))
	}
	type result struct {
		rep  *report.Report
		imgs *imagegate.Assessment
		err  error
	}
	done := make(chan result, 1)
	go func() {
		rep, imgs, err := h.service().EvaluateImages(ctx, obj)
		done <- result{rep, imgs, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
	}
	// A verdict reached after the deadline is not given either: when both
	// are ready, select would pick one at random.
	if d, ok := ctx.Deadline(); res.rep == nil && res.err == nil || ok && time.Now().After(d) {
		h.failed("deadline")
		return h.failure(fmt.Sprintf("%s %s was not assessed within the webhook's deadline", req.Kind.Kind, name(req)))
	}
	if res.err != nil || len(res.rep.Errors) > 0 || len(res.rep.CheckErrors) > 0 {
		h.failed("evaluate")
		msg := "the object could not be assessed"
		if res.err != nil {
			msg = res.err.Error()
		} else if len(res.rep.Errors) > 0 {
			msg = res.rep.Errors[0].Message
		} else {
			msg = res.rep.CheckErrors[0].String()
		}
		return h.failure(fmt.Sprintf("%s %s: %s", req.Kind.Kind, name(req), firstLine(msg)))
	}
	h.countImages(res.imgs)
	mode := h.modeOf(req.Namespace)
	return h.verdict(req, res.rep, res.imgs, mode)
}

func (h *Handler) countImages(a *imagegate.Assessment) {
	if h.Metrics == nil || a == nil {
		return
	}
	h.Metrics.imageCache.WithLabelValues("hit").Add(float64(a.Hits))
	h.Metrics.imageCache.WithLabelValues("miss").Add(float64(a.Misses))
	h.Metrics.verifyFailures.WithLabelValues("unverified").Add(float64(a.Unverified))
	h.Metrics.verifyFailures.WithLabelValues("not-assessed").Add(float64(len(a.Unassessed)))
}

// unassessedLines say, one line per image, what the image gate could not
// judge and what the failure mode made of it.
func (h *Handler) unassessedLines(a *imagegate.Assessment, mode Mode) []string {
	if a == nil {
		return nil
	}
	what := "admitted by failure mode allow"
	switch {
	case mode != Enforce:
		what = "admitted: namespace mode " + string(mode)
	case h.FailureMode != FailAllow:
		what = "denied by failure mode deny"
	}
	lines := make([]string, 0, len(a.Unassessed))
	for _, u := range a.Unassessed {
		lines = append(lines, render.OneLine(fmt.Sprintf("image %s not assessed, %s: %s", u.Ref, what, u.Reason)))
	}
	return lines
}

// verdict turns a report into the response for mode. Images the gate
// could not judge follow the failure mode: in an enforce namespace deny
// denies the request, naming them; otherwise they are warnings.
func (h *Handler) verdict(req *admissionv1.AdmissionRequest, rep *report.Report, imgs *imagegate.Assessment, mode Mode) (*admissionv1.AdmissionResponse, string) {
	var blocking, due []*report.Finding
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if h.Metrics != nil {
			h.Metrics.findings.WithLabelValues(f.CheckID, string(f.Status)).Inc()
		}
		switch f.Status {
		case report.StatusFail:
			blocking = append(blocking, f)
		case report.StatusDue:
			due = append(due, f)
		}
	}
	// The fix of a check that has something to say, looked up only then:
	// most requests pass.
	fix := func(id string) string {
		for _, c := range rep.Checks {
			if c.ID == id {
				return render.FirstSentence(c.Remediation)
			}
		}
		return ""
	}
	resp := &admissionv1.AdmissionResponse{Allowed: true}
	decision := "allow"
	denyUnassessed := mode == Enforce && h.FailureMode != FailAllow
	unassessed := h.unassessedLines(imgs, mode)
	switch {
	case (len(blocking) > 0 || denyUnassessed && len(unassessed) > 0) && mode == Enforce:
		lines := make([]string, 0, len(blocking)+len(unassessed))
		for _, f := range blocking {
			lines = append(lines, line(f, fix(f.CheckID)))
		}
		lines = append(lines, unassessed...)
		unassessed = nil
		resp.Allowed = false
		resp.Result = &metav1.Status{
			Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden,
			Message: denial(req, lines, len(blocking)),
		}
		decision = "deny"
	case len(blocking) > 0 && mode == Warn:
		for _, f := range blocking {
			resp.Warnings = append(resp.Warnings, line(f, fix(f.CheckID)))
		}
		decision = "warn"
	}
	for _, f := range due {
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("%s (denied from %s)", line(f, fix(f.CheckID)), f.Due))
	}
	for _, u := range unassessed {
		resp.Warnings = append(resp.Warnings, "bulwark: "+u)
	}
	resp.Warnings = boundWarnings(resp.Warnings)
	if len(resp.Warnings) > 0 && decision == "allow" {
		decision = "warn"
	}
	if h.Audit != nil && (mode != Enforce || len(blocking) == 0) && len(blocking)+len(due) > 0 {
		rec := Record{Time: time.Now().UTC(), UID: string(req.UID), Operation: string(req.Operation), Kind: req.Kind.Kind,
			Namespace: req.Namespace, Name: name(req), User: req.UserInfo.Username, Mode: mode, Decision: decision}
		for _, f := range append(blocking, due...) {
			rec.Findings = append(rec.Findings, f.CheckID+" "+f.Field)
		}
		h.Audit(rec)
	}
	return resp, decision
}

func (h *Handler) modeOf(namespace string) Mode {
	if namespace != "" && h.Namespaces != nil {
		if labels, ok := h.Namespaces.Labels(namespace); ok {
			if m, err := ParseMode(labels[ModeLabel]); err == nil {
				return m
			}
		}
	}
	return h.DefaultMode
}

// failure answers a request that could not be judged, as configured, and
// says so in the answer either way.
func (h *Handler) failure(why string) (*admissionv1.AdmissionResponse, string) {
	why = render.OneLine(why)
	if h.FailureMode == FailAllow {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: []string{"bulwark: not assessed, admitted by failure mode allow: " + clip(why)}}, "error"
	}
	return &admissionv1.AdmissionResponse{Allowed: false, Result: &metav1.Status{
		Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden,
		Message: "bulwark: not assessed, denied by failure mode deny: " + why,
	}}, "error"
}

// decode turns the request's object into its API type.
func decode(req *admissionv1.AdmissionRequest) (runtime.Object, error) {
	if len(req.Object.Raw) == 0 {
		return nil, errors.New("the request carries no object")
	}
	obj, gvk, err := scheme.Codecs.UniversalDeserializer().Decode(req.Object.Raw, nil, nil)
	if err != nil {
		return nil, err
	}
	if gvk.Kind != req.Kind.Kind {
		return nil, fmt.Errorf("object of kind %s in a request for %s", gvk.Kind, req.Kind.Kind)
	}
	// A create in a namespace may carry the namespace only in the request
	// (the URL), not in the object's metadata.
	if acc, ok := obj.(metav1.Object); ok && acc.GetNamespace() == "" && req.Namespace != "" {
		acc.SetNamespace(req.Namespace)
	}
	return obj, nil
}

func name(req *admissionv1.AdmissionRequest) string {
	n := req.Name
	if n == "" {
		// generateName objects have no name before admission.
		n = "(generated name)"
	}
	if req.Namespace != "" {
		return render.OneLine(req.Namespace + "/" + n)
	}
	return render.OneLine(n)
}

// line is one finding in one line: check, field, what is wrong, the fix.
func line(f *report.Finding, fix string) string {
	s := f.CheckID + " " + f.Field + ": " + f.Message
	if f.Subject.Kind == imagescan.Kind {
		// The image as the workload writes it, then what is wrong with
		// the digest it runs.
		s = f.CheckID + " image " + f.Subject.Name + ": " + f.Message
	}
	if fix != "" {
		s += " Fix: " + fix
	}
	return render.OneLine(s)
}

// denial is the message of a denied request: lines holds the blocking
// findings first, then the images that could not be judged, which are
// counted apart because they are not findings.
func denial(req *admissionv1.AdmissionRequest, lines []string, findings int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "bulwark denied %s %s: ", req.Kind.Kind, name(req))
	switch unjudged := len(lines) - findings; {
	case unjudged == 0:
		fmt.Fprintf(&b, "%d blocking finding(s)", findings)
	case findings == 0:
		fmt.Fprintf(&b, "%d image(s) not assessed", unjudged)
	default:
		fmt.Fprintf(&b, "%d blocking finding(s), %d image(s) not assessed", findings, unjudged)
	}
	for i, l := range lines {
		if i == maxMessageLines {
			fmt.Fprintf(&b, "\n... and %d more (bulwark scan manifests shows them all)", len(lines)-i)
			break
		}
		b.WriteString("\n" + l)
	}
	return b.String()
}

func boundWarnings(ws []string) []string {
	if len(ws) > maxWarnings {
		more := len(ws) - maxWarnings + 1
		ws = append(ws[:maxWarnings-1], fmt.Sprintf("... and %d more findings (bulwark scan manifests shows them all)", more))
	}
	for i, w := range ws {
		ws[i] = clip(w)
	}
	return ws
}

func clip(s string) string {
	if len(s) <= maxWarningLen {
		return s
	}
	cut := maxWarningLen - 3
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
