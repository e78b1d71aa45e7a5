package images

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/imagescan"
)

func TestNotSigned(t *testing.T) {
	tests := []struct {
		name string
		sig  *imagescan.Signature
		na   bool
		want int
	}{
		{"verified", &imagescan.Signature{Verified: true, Signer: "C=US, ST=WA, O=Acme"}, false, 0},
		{"unsigned", &imagescan.Signature{Reason: "no Notation signature found"}, false, 1},
		{"untrusted", &imagescan.Signature{Reason: "signature not from a trusted identity"}, false, 1},
		{"no trust policy", nil, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseResult()
			r.Signature = tt.sig
			if tt.na {
				r.NotAssessed = map[string]string{imagescan.AspectSignature: "no trust policy"}
			}
			fs := run(t, "IMG-010", r)
			if len(fs) != tt.want {
				t.Fatalf("got %d findings, want %d", len(fs), tt.want)
			}
			if tt.want == 1 && (!strings.Contains(fs[0].Message, tt.sig.Reason) || !strings.Contains(fs[0].Message, r.Digest)) {
				t.Errorf("message %q lacks the reason or digest", fs[0].Message)
			}
		})
	}
}
