package images

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/imagescan"
)

func TestTagRepointedUnsigned(t *testing.T) {
	deployed, current := "sha256:"+sixtyFour('a'), "sha256:"+sixtyFour('c')
	tests := []struct {
		name  string
		drift *imagescan.Drift
		want  int
	}{
		{"moved to unsigned", &imagescan.Drift{Tag: "r/app:1", Current: current, Deployed: deployed, CurrentSignature: &imagescan.Signature{Reason: "no Notation signature found"}}, 1},
		{"moved to signed", &imagescan.Drift{Tag: "r/app:1", Current: current, Deployed: deployed, CurrentSignature: &imagescan.Signature{Verified: true}}, 0},
		{"moved, no trust policy", &imagescan.Drift{Tag: "r/app:1", Current: current, Deployed: deployed}, 0},
		{"not moved", &imagescan.Drift{Tag: "r/app:1", Current: deployed, Deployed: deployed}, 0},
		{"bare tag", &imagescan.Drift{Tag: "r/app:1", Current: current}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseResult()
			r.Drift = tt.drift
			if got := len(run(t, "IMG-011", r)); got != tt.want {
				t.Errorf("got %d findings, want %d", got, tt.want)
			}
		})
	}
}
