package admission

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/bulwark-sec/bulwark/internal/scan"
)

// Reloader rebuilds the handler's service when a file it was built from
// changes: the policy and the baseline. A ConfigMap mounted as a volume is
// replaced by the kubelet (a new file behind the same name), which the
// file's identity, size and time show. A rebuild that fails (a policy with
// an error) keeps the service in force and says why: the door never opens
// because of a bad edit.
type Reloader struct {
	// Files are watched; a file that is missing is a state of its own.
	Files []string
	// Build makes the service from the files as they are now.
	Build   func() (*scan.Service, error)
	Handler *Handler
	// Log receives one line per reload or failed reload.
	Log   func(string)
	stamp string
}

// stampOf identifies the files' current contents.
func stampOf(files []string) string {
	var b strings.Builder
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			fmt.Fprintf(&b, "%s:missing;", f)
			continue
		}
		var ino uint64
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			ino = st.Ino
		}
		fmt.Fprintf(&b, "%s:%d/%d/%d;", f, ino, fi.Size(), fi.ModTime().UnixNano())
	}
	return b.String()
}

// Start records the files' state the running service was built from.
func (r *Reloader) Start() { r.stamp = stampOf(r.Files) }

// Check rebuilds the service if a file changed since the last build or
// attempt; it reports whether one changed and the error of a rebuild.
func (r *Reloader) Check() (bool, error) {
	st := stampOf(r.Files)
	if st == r.stamp {
		return false, nil
	}
	r.stamp = st
	svc, err := r.Build()
	m := r.Handler.Metrics
	if err != nil {
		if m != nil {
			m.reloads.WithLabelValues("error").Inc()
		}
		r.log("policy reload failed, the previous policy stays in force: " + err.Error())
		return true, err
	}
	r.Handler.SetService(svc)
	if m != nil {
		m.reloads.WithLabelValues("ok").Inc()
	}
	r.log(fmt.Sprintf("policy reloaded from %s (%d checks)", strings.Join(r.Files, ", "), len(svc.Checks())))
	return true, nil
}

func (r *Reloader) log(s string) {
	if r.Log != nil {
		r.Log(s)
	}
}

// Run checks every interval until ctx ends.
func (r *Reloader) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = r.Check()
		}
	}
}
