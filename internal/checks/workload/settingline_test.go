package workload

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The expressions settingLine and settingValue replace, kept here as the
// oracle.
var (
	settingLineRE  = regexp.MustCompile(`(?m)^[ \t]*["']?([A-Za-z0-9_.\-]+)["']?[ \t]*[:=][ \t]*(.*)$`)
	settingValueRE = regexp.MustCompile(`^["']?([^"'\s,#;]*)`)
)

func TestSettingLineAgreesWithTheExpression(t *testing.T) {
	alphabet := []string{" ", "\t", "\"", "'", ":", "=", "a", "Z", "9", "_", ".", "-", ",", "#", ";", "\r", "x y", "pw", "\f", "é"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		line := b.String()
		name, rest, ok := settingLine(line)
		m := settingLineRE.FindStringSubmatch(line)
		if ok != (m != nil) || ok && (name != m[1] || rest != m[2]) {
			t.Fatalf("%q: settingLine = %q, %q, %v; the expression gives %q", line, name, rest, ok, m)
		}
		if got, want := settingValue(line), settingValueRE.FindStringSubmatch(line)[1]; got != want {
			t.Fatalf("%q: settingValue = %q, want %q", line, got, want)
		}
	}
}

// A configuration file of many lines costs one pass, not an expression per line.
func BenchmarkEmbeddedCredential(b *testing.B) {
	var sb strings.Builder
	for i := range 100000 {
		sb.WriteString("setting")
		sb.WriteString(strings.Repeat("x", i%7))
		sb.WriteString(": value\n")
	}
	content := sb.String()
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		embeddedCredential(content)
	}
}
