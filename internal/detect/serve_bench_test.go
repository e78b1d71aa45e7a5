package detect

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
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
	batches := serveBatches()
	d, client, url, stop := startServe(b)
	refused := 0
	b.ResetTimer()
	for i := 0; i < b.N; {
		switch post(b, client, url, batches[i%len(batches)]) {
		case http.StatusOK:
			i++
		case http.StatusTooManyRequests:
			refused++ // retried after a pause, as the API server backs off
			time.Sleep(10 * time.Millisecond)
		}
	}
	stop() // returns once every queued batch is processed
	processed := d.Stats().Events
	if processed != int64(b.N)*400 {
		b.Fatalf("processed %d events of %d", processed, b.N*400)
	}
	b.ReportMetric(float64(processed)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(refused), "refused")
}

// BenchmarkServeSustained: 10,000 events/s (25 batches of 400 a second,
// paced) for 10 s per iteration over TLS; every event must be processed,
// and lag is how long after the last post the detector had processed
// them all. Run with -benchtime 1x.
func BenchmarkServeSustained(b *testing.B) {
	const rate, seconds = 10_000, 10
	batches := serveBatches()
	d, client, url, stop := startServe(b)
	refused, posted := 0, 0
	var lag time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		for n := 0; n < rate*seconds/400; {
			time.Sleep(time.Until(start.Add(time.Duration(n) * time.Second * 400 / rate)))
			switch post(b, client, url, batches[n%len(batches)]) {
			case http.StatusOK:
				n++
				posted += 400
			case http.StatusTooManyRequests:
				refused++
				time.Sleep(10 * time.Millisecond)
			}
		}
		last := time.Now()
		for d.Stats().Events < int64(posted) {
			if time.Since(last) > 30*time.Second {
				b.Fatalf("processed %d events of %d", d.Stats().Events, posted)
			}
			time.Sleep(time.Millisecond)
		}
		lag = max(lag, time.Since(last))
	}
	stop()
	if got := d.Stats().Events; got != int64(posted) {
		b.Fatalf("processed %d events of %d", got, posted)
	}
	b.ReportMetric(float64(posted)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(refused), "refused")
	b.ReportMetric(float64(lag.Milliseconds()), "lag-ms")
}

// serveBatches are EventLists of 400 real-shaped events.
func serveBatches() [][]byte {
	lines := bytes.Split(bytes.TrimSpace(realShaped(4000)), []byte("\n"))
	var batches [][]byte
	for i := 0; i < len(lines); i += 400 {
		body := []byte(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[`)
		body = append(body, bytes.Join(lines[i:i+400], []byte(","))...)
		batches = append(batches, append(body, "]}"...))
	}
	return batches
}

// startServe starts bulwark detect serve on loopback with a fresh
// detector; stop ends it once the queued batches are processed.
func startServe(b *testing.B) (*Detector, *http.Client, string, func()) {
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
	return d, client, url, func() {
		cancel()
		if err := <-served; err != nil {
			b.Fatal(err)
		}
	}
}

func post(b *testing.B, client *http.Client, url string, body []byte) int {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusTooManyRequests {
		b.Fatalf("status %d", resp.StatusCode)
	}
	return resp.StatusCode
}
