package detect

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil/tlstest"
)

// BenchmarkServe: the audit webhook over TLS on loopback, batches of 400
// real-shaped events (the API server's default batch size) posted by one
// client as the API server's batching backend does, a refused batch
// retried after a pause; events/s counts the events processed, and every
// event posted must have been.
func BenchmarkServe(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(realShaped(4000)), []byte("\n"))
	var batches [][]byte
	for i := 0; i < len(lines); i += 400 {
		body := []byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[`)
		body = append(body, bytes.Join(lines[i:i+400], []byte(","))...)
		batches = append(batches, append(body, "]}"...))
	}
	certFile, keyFile, caPEM, err := tlstest.ServingCert(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	cert, err := admission.LoadCertificate(certFile, keyFile)
	if err != nil {
		b.Fatal(err)
	}
	d, err := New(context.Background(), Options{Learn: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	var processed atomic.Int64
	srv := &Server{Detector: d, Cert: cert, Emit: func(report.Alert) {}, Problem: func(e report.InputError) { b.Error(e) }}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	url := "https://" + ln.Addr().String() + "/audit"
	refused := 0
	b.ResetTimer()
	for i := 0; i < b.N; {
		resp, err := client.Post(url, "application/json", bytes.NewReader(batches[i%len(batches)]))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			i++
		case http.StatusTooManyRequests:
			refused++ // retried after a pause, as the API server backs off
			time.Sleep(10 * time.Millisecond)
		default:
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	cancel() // Serve returns once every queued batch is processed
	if err := <-served; err != nil {
		b.Fatal(err)
	}
	processed.Store(d.Stats().Events)
	if processed.Load() != int64(b.N)*400 {
		b.Fatalf("processed %d events of %d", processed.Load(), b.N*400)
	}
	b.ReportMetric(float64(processed.Load())/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(refused), "refused")
}
