package decide

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/policy"
)

// exceptionLoad is the shape that cost 20 CPU-seconds when every finding was
// tried against every exception: 6,500 exceptions (exact names, name globs,
// namespace-wide, matching nothing) over the findings of 5,000 pods.
func exceptionLoad(tb testing.TB, pods, exceptions int) (*policy.Policy, []finding.Finding) {
	var p strings.Builder
	p.WriteString("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nexceptions:\n")
	for i := range exceptions {
		var checks, sel string
		switch i % 6 {
		case 0:
			checks, sel = "K8S-029, K8S-040", fmt.Sprintf("kind: Pod, namespace: team-%d, name: app-%d", i%50, i)
		case 1:
			checks, sel = "K8S-042", fmt.Sprintf("name: app-%d*", i)
		case 2:
			checks, sel = "K8S-030", fmt.Sprintf("namespace: team-%d", i%50)
		case 3:
			checks, sel = "K8S-050", fmt.Sprintf("name: \"*-%d\"", i)
		case 4:
			checks, sel = "K8S-051", fmt.Sprintf("labels: {app: app-%d}", i%100)
		default:
			checks, sel = "K8S-131", fmt.Sprintf("kind: Pod, name: \"other-%d-?\"", i)
		}
		fmt.Fprintf(&p, "- checks: [%s]\n  resources: {%s}\n  reason: r\n  owner: o\n  expires: 2099-12-31\n", checks, sel)
	}
	pol, err := policy.Parse("bulwark.yaml", []byte(p.String()))
	if err != nil {
		tb.Fatal(err)
	}
	var fs []finding.Finding
	for i := range pods {
		s := finding.Subject{Kind: "Pod", Namespace: fmt.Sprintf("team-%d", i%50), Name: fmt.Sprintf("app-%d", i)}
		for _, id := range []string{"K8S-029", "K8S-030", "K8S-040", "K8S-042", "K8S-131", "K8S-050", "K8S-051", "K8S-052", "K8S-053", "K8S-132"} {
			fs = append(fs, finding.Finding{CheckID: id, Severity: finding.SeverityHigh, Subject: s, Fingerprint: finding.Fingerprint(id, s, "spec")})
		}
	}
	return pol, fs
}

func BenchmarkExceptions(b *testing.B) {
	pol, fs := exceptionLoad(b, 5000, 6500)
	d := &Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: pol, Now: date("2026-11-01"), Objects: labelsOf}
	b.ResetTimer()
	for b.Loop() {
		d.Apply(fs)
	}
}

// The indexed decision must agree with trying every exception in order.
func TestIndexedExceptionsAgree(t *testing.T) {
	pol, fs := exceptionLoad(t, 200, 400)
	out := (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: pol, Now: date("2026-11-01"), Objects: labelsOf}).Apply(fs)
	matched := make([]int, len(pol.Exceptions))
	for i := range fs {
		var want string
		for j := range pol.Exceptions {
			if pol.Exceptions[j].Covers(&fs[i], labelsOf(fs[i].Subject)) {
				matched[j]++
				want = pol.Exceptions[j].Where("bulwark.yaml")
				break
			}
		}
		got := ""
		if out.Findings[i].Exception != nil {
			got = out.Findings[i].Exception.Source
		}
		if got != want {
			t.Fatalf("%s on %s: waived by %q, want %q", fs[i].CheckID, fs[i].Subject, got, want)
		}
	}
	for j := range matched {
		if out.Exceptions[j].Matched != matched[j] {
			t.Fatalf("exception %d matched %d, want %d", j, out.Exceptions[j].Matched, matched[j])
		}
	}
}

// labelsOf gives pod app-N the label app=app-(N mod 100).
func labelsOf(s finding.Subject) policy.Object {
	var n int
	fmt.Sscanf(s.Name, "app-%d", &n)
	return policy.Object{Labels: map[string]string{"app": fmt.Sprintf("app-%d", n%100)}}
}
