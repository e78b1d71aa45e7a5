package images

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/imagescan"
)

func TestTagMoved(t *testing.T) {
	deployed, current := "sha256:"+sixtyFour('a'), "sha256:"+sixtyFour('c')
	r := baseResult()
	r.Drift = &imagescan.Drift{Tag: "myacr.azurecr.io/app:1.0", Current: current, Deployed: deployed}
	fs := run(t, "IMG-012", r)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, current) || !strings.Contains(fs[0].Message, deployed) {
		t.Fatalf("findings %+v", fs)
	}
	r.Drift.Current = deployed
	if fs := run(t, "IMG-012", r); len(fs) != 0 {
		t.Errorf("unmoved tag reported")
	}
	r.Drift = &imagescan.Drift{Tag: "myacr.azurecr.io/app:1.0", Current: current} // nothing deployed: scan image of a tag
	if fs := run(t, "IMG-012", r); len(fs) != 0 {
		t.Errorf("bare tag reported as moved")
	}
	r.Drift = &imagescan.Drift{Tag: "myacr.azurecr.io/app:1.0", Current: current, Deployed: deployed}
	r.NotAssessed = map[string]string{imagescan.AspectDrift: "registry unreachable"}
	if fs := run(t, "IMG-012", r); len(fs) != 0 {
		t.Errorf("not-assessed drift reported")
	}
}
