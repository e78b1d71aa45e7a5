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
