package images

import (
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/imagescan"
)

func TestBaseImageStale(t *testing.T) {
	r := baseResult()
	r.Base = &imagescan.Base{Name: "docker.io/library/debian:12", Source: "annotation", Digest: "sha256:" + sixtyFour('1'), Current: "sha256:" + sixtyFour('2'), Stale: true, Confirmed: true, Age: 49 * time.Hour, Reason: "the base tag points to a newer image"}
	fs := run(t, "IMG-020", r)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "2 days") || !strings.Contains(fs[0].Message, "debian:12") || strings.Contains(fs[0].Message, "could not confirm") {
		t.Fatalf("findings %+v", fs)
	}
	r.Base.Confirmed = false
	if fs := run(t, "IMG-020", r); !strings.Contains(fs[0].Message, "could not confirm") {
		t.Errorf("unconfirmed verdict not said: %q", fs[0].Message)
	}
	r.Base.Stale = false
	if fs := run(t, "IMG-020", r); len(fs) != 0 {
		t.Errorf("fresh base reported")
	}
}
