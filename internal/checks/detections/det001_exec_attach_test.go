package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

func TestDET001(t *testing.T) {
	for name, tc := range map[string]struct {
		line string
		want int
	}{
		"exec":               {event("create", "", "pods", "exec", "shop", "web", "alice"), 1},
		"attach over ws":     {event("get", "", "pods", "attach", "shop", "web", "alice"), 1},
		"authorized, failed": {event("create", "", "pods", "exec", "shop", "web", "alice", func(e *audit.Event) { e.ResponseStatus.Code = 500 }), 1},
		"denied":             {event("create", "", "pods", "exec", "shop", "web", "alice", denied), 0},
		"not final":          {event("create", "", "pods", "exec", "shop", "web", "alice", stage("ResponseStarted")), 0},
		"logs":               {event("get", "", "pods", "log", "shop", "web", "alice"), 0},
		"pod get":            {event("get", "", "pods", "", "shop", "web", "alice"), 0},
		"no annotation, 101": {event("create", "", "pods", "exec", "shop", "web", "alice", code(101)), 1},
		"no annotation, 403": {event("create", "", "pods", "exec", "shop", "web", "alice", code(403)), 0},
	} {
		if got := checktest.Detect(t, "DET-001", tc.line, nil); len(got) != tc.want {
			t.Errorf("%s: %d alerts %v, want %d", name, len(got), got, tc.want)
		}
	}
}
