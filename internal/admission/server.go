package admission

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Certificate serves a key pair from files and reloads it when either file
// changes, so that a rotated certificate (cert-manager renews it in place)
// is used without a restart. A pair that fails to load keeps the previous
// one in service; the error is reported by Err and /readyz.
type Certificate struct {
	certFile, keyFile string
	mu                sync.Mutex
	cert              *tls.Certificate
	stamp             string
	checked           time.Time
	err               error
}

// certCheckEvery bounds how often a handshake looks at the files.
const certCheckEvery = time.Second

// LoadCertificate reads the pair; an error if it cannot be used now.
func LoadCertificate(certFile, keyFile string) (*Certificate, error) {
	c := &Certificate{certFile: certFile, keyFile: keyFile}
	if err := c.reload(time.Now()); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Certificate) reload(now time.Time) error {
	stamp, err := c.fileStamp()
	if err == nil && stamp == c.stamp && c.cert != nil {
		return nil
	}
	if err == nil {
		var pair tls.Certificate
		if pair, err = tls.LoadX509KeyPair(c.certFile, c.keyFile); err == nil {
			c.cert, c.stamp = &pair, stamp
		}
	}
	c.err, c.checked = err, now
	if err != nil {
		return fmt.Errorf("TLS key pair %s, %s: %w", c.certFile, c.keyFile, err)
	}
	return nil
}

// fileStamp identifies the files' current contents by size and time.
func (c *Certificate) fileStamp() (string, error) {
	var s string
	for _, f := range []string{c.certFile, c.keyFile} {
		fi, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		s += fmt.Sprintf("%d/%d;", fi.Size(), fi.ModTime().UnixNano())
	}
	return s, nil
}

// Get is tls.Config.GetCertificate.
func (c *Certificate) Get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := time.Now(); now.Sub(c.checked) >= certCheckEvery {
		_ = c.reload(now) // a bad pair keeps the last good one
	}
	return c.cert, nil
}

// Err is the last reload's error, nil when the files in place are served.
func (c *Certificate) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Server is the webhook's HTTPS server.
type Server struct {
	Handler *Handler
	Cert    *Certificate
	// Ready, when set, must return nil before /readyz reports ready (the
	// namespace cache has synced).
	Ready func() error
	ready atomic.Bool
}

// Serve listens on ln until ctx ends, then stops taking requests and
// finishes those in flight (up to 10 s).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("/validate", s.Handler)
	mux.Handle("/mutate", s.Handler.Mutator())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.readiness(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	if m := s.Handler.Metrics; m != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	}
	srv := &http.Server{
		Handler: mux,
		TLSConfig: &tls.Config{
			MinVersion:     tls.VersionTLS12,
			GetCertificate: s.Cert.Get,
		},
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	s.ready.Store(true)
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) readiness() error {
	if !s.ready.Load() {
		return errors.New("not serving")
	}
	if err := s.Cert.Err(); err != nil {
		return err
	}
	if s.Ready != nil {
		return s.Ready()
	}
	return nil
}
