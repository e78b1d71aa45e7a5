package admission

import (
	"context"
	"fmt"
	"os"
	"strings"
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
	state []os.FileInfo
}

// stateOf is the files' current state; nil stands for a missing file.
func stateOf(files []string) []os.FileInfo {
	out := make([]os.FileInfo, len(files))
	for i, f := range files {
		out[i], _ = os.Stat(f)
	}
	return out
}

// sameState reports whether two states show the same contents: the same
// file (os.SameFile: a swapped ConfigMap volume is another file), size and
// modification time.
func sameState(a, b []os.FileInfo) bool {
	for i := range a {
		x, y := a[i], b[i]
		if (x == nil) != (y == nil) {
			return false
		}
		if x != nil && (!os.SameFile(x, y) || x.Size() != y.Size() || !x.ModTime().Equal(y.ModTime())) {
			return false
		}
	}
	return true
}

// Start records the files' state the running service was built from.
func (r *Reloader) Start() { r.state = stateOf(r.Files) }

// Check rebuilds the service if a file changed since the last build or
// attempt; it reports whether one changed and the error of a rebuild.
func (r *Reloader) Check() (bool, error) {
	st := stateOf(r.Files)
	if sameState(st, r.state) {
		return false, nil
	}
	r.state = st
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
