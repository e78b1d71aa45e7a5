package admission

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// BenchmarkHandler is one AdmissionReview through the handler, without
// the network: decoding, judging, answering.
func BenchmarkHandler(b *testing.B) {
	t := &testing.T{}
	h, _ := newHandler(t)
	h.Namespaces = nil
	for _, privileged := range []bool{false, true} {
		name := "compliant"
		if privileged {
			name = "privileged"
		}
		body := review(t, admissionv1.Create, pod("shop", "web", privileged), "shop", "web")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

// BenchmarkHandlerImages is BenchmarkHandler with the image gate: the
// compliant Pod's image signed and scanned, by digest (as pinned), its
// verdict cached after the first request.
func BenchmarkHandlerImages(b *testing.B) {
	h, host := imageHandler(b)
	ref := host + "/shop/api:1"
	a, err := h.Service.Assess(b.Context(), podWith("shop", ref))
	if err != nil || len(a.Pins) != 1 {
		b.Fatalf("%v %+v", err, a)
	}
	body := review(&testing.T{}, admissionv1.Create, podWith("shop", a.Pins[0].Pinned()), "shop", "web")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte(`"allowed":true`)) {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}
