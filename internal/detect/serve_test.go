package detect

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil/tlstest"
)

// The webhook over real TLS on loopback: a batch's alert comes out, a
// batch that finds the queue full is refused with 429 and counted.
func TestServe(t *testing.T) {
	certFile, keyFile, caPEM, err := tlstest.ServingCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := admission.LoadCertificate(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	alerts := make(chan report.Alert)
	srv := &Server{Detector: d, Cert: cert, Queue: 1, Emit: func(a report.Alert) { alerts <- a }, Problem: func(e report.InputError) { t.Errorf("problem %v", e) }}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error)
	go func() { served <- srv.Serve(ctx, ln) }()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	url := "https://" + ln.Addr().String() + "/audit"
	post := func(users ...string) int {
		var items []string
		for i, u := range users {
			items = append(items, line(i, "create", "pods", "exec", "shop", "web", u))
		}
		body := `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + strings.Join(items, ",") + `]}`
		resp, err := client.Post(url, "application/json", bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	// The first batch is taken by the processor, which then waits on
	// Emit; the second fills the queue; the third is refused.
	if c := post("alice"); c != 200 {
		t.Fatalf("first batch: %d", c)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.queue) != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c := post("bob"); c != 200 {
		t.Fatalf("second batch: %d", c)
	}
	if c := post("carol"); c != http.StatusTooManyRequests {
		t.Fatalf("third batch: %d, want 429", c)
	}
	for _, want := range []string{"alice", "bob"} {
		if a := <-alerts; a.Actor != want || a.Rule != "DET-001" || a.Source != "webhook" {
			t.Errorf("alert %+v, want %s's exec", a, want)
		}
	}
	resp, err := client.Get("https://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"bulwark_detect_batches_refused_total 1", "bulwark_detect_batches_total 2", "bulwark_detect_events_total 2", "bulwark_detect_alerts_total 2"} {
		if !strings.Contains(string(m), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// TLS 1.1 is refused.
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}}}
	if _, err := old.Get(url); err == nil {
		t.Error("TLS 1.1 accepted")
	}
	cancel()
	if err := <-served; err != nil {
		t.Error(err)
	}
}
