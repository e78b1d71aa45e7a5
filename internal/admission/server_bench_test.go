package admission

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bulwark-sec/bulwark/internal/testutil/tlstest"
)

// BenchmarkServer is one AdmissionReview over TLS on loopback through the
// real server (keep-alive connections), client included.
func BenchmarkServer(b *testing.B) {
	t := &testing.T{}
	h, _ := newHandler(t)
	h.Namespaces = nil
	certFile, keyFile, caPEM, err := tlstest.ServingCert(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	cert, err := LoadCertificate(certFile, keyFile)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := &Server{Handler: h, Cert: cert}
	go srv.Serve(ctx, ln)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 4}}
	body := review(t, admissionv1.Create, pod("shop", "web", false), "shop", "web")
	url := "https://" + ln.Addr().String() + "/validate"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
