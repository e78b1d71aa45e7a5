package baseimage

import (
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
)

func FuzzFinalFrom(f *testing.F) {
	for _, s := range []string{
		"FROM alpine:3.20\n",
		"# escape=`\nARG V=1\nFROM a:${V:-2} `\n AS b\nFROM b\n",
		"ARG A=\"x y\" B='z'\nFROM --platform=$BUILDPLATFORM ${A:+c}${B-d} AS s\nFROM s\n",
		"FROM x\nRUN <<-EOF cat <<'B'\n\tFROM y\n\tEOF\nB\nFROM scratch\n",
		"FROM a\\\n# c\n\\\n",
		"FROM ${A:?${B:-${C}}}\n",
	} {
		f.Add([]byte(s), "arg", "value")
	}
	f.Fuzz(func(t *testing.T, src []byte, k, v string) {
		if len(src) > MaxDockerfileSize+16 {
			src = src[:MaxDockerfileSize+16]
		}
		got, err := FinalFrom(src, map[string]string{k: v, "TARGETARCH": v})
		if len(src) > MaxDockerfileSize && err == nil {
			t.Fatal("oversized input accepted")
		}
		if err != nil {
			return
		}
		if got == Scratch {
			return
		}
		// Whatever is returned must be usable by Check.
		if _, perr := name.ParseReference(got); perr != nil {
			t.Fatalf("returned %q, which does not parse: %v", got, perr)
		}
		if strings.ContainsAny(got, " \t\n") {
			t.Fatalf("returned %q with whitespace", got)
		}
	})
}
