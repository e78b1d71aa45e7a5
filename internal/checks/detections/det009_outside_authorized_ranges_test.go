package detections

import (
	"net/netip"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET009(t *testing.T) {
	ctx := &check.DetectContext{AuthorizedIPRanges: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}}
	got := checktest.Detect(t, "DET-009", event("list", "", "pods", "", "shop", "", "alice", ips("198.51.100.7")), ctx)
	if len(got) != 1 || got[0].Message != "alice reached the API server from 198.51.100.7, outside the authorized IP ranges (list pods shop/)" {
		t.Errorf("outside: %v", got)
	}
	for name, tc := range map[string]struct {
		line string
		ctx  *check.DetectContext
	}{
		"inside":    {event("list", "", "pods", "", "shop", "", "alice", ips("203.0.113.9")), ctx},
		"private":   {event("list", "", "pods", "", "shop", "", "alice", ips("10.224.0.4")), ctx},
		"no config": {event("list", "", "pods", "", "shop", "", "alice", ips("198.51.100.7")), &check.DetectContext{}},
		"denied":    {event("list", "", "pods", "", "shop", "", "alice", ips("198.51.100.7"), code(403)), ctx},
	} {
		if got := checktest.Detect(t, "DET-009", tc.line, tc.ctx); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
}
