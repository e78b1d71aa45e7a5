package report

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var (
	web = Subject{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}
	api = Subject{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"}
)

func dec(id string, sev Severity, subj Subject, file, field string, status Status) Finding {
	return Finding{
		CheckID: id, Severity: sev, Subject: subj, Location: Location{File: file, Line: 1},
		Field: field, Fingerprint: id + "\x00" + subj.String() + "\x00" + field, Message: id + " " + field,
		Status:   status,
		Blocking: status == StatusFail,
	}
}

// groupsOf maps each primary's check id and field to its related check ids,
// and checks that RelatedTo points back at the primary.
func groupsOf(t *testing.T, fs []Finding) map[string][]string {
	t.Helper()
	// The same object in two files gives two findings one fingerprint.
	byFP := map[string][]*Finding{}
	for i := range fs {
		byFP[fs[i].Fingerprint] = append(byFP[fs[i].Fingerprint], &fs[i])
	}
	out := map[string][]string{}
	for _, f := range fs {
		if len(f.Related) > 0 && f.RelatedTo != "" {
			t.Errorf("%s is both primary and related", f.CheckID)
		}
		var ids []string
		for _, r := range f.Related {
			if !slices.ContainsFunc(byFP[r.Fingerprint], func(o *Finding) bool {
				return o.RelatedTo == f.Fingerprint && o.CheckID == r.CheckID && o.Field == r.Field
			}) {
				t.Errorf("%s lists %+v, which does not point back", f.CheckID, r)
			}
			ids = append(ids, r.CheckID)
		}
		if len(ids) > 0 {
			out[f.CheckID+" "+f.Field] = ids
		}
	}
	return out
}

func TestRelate(t *testing.T) {
	const (
		vol   = "spec.template.spec.volumes[0]"
		image = "spec.template.spec.containers[0].image"
	)
	fs := []Finding{
		// One hostPath volume, four checks: the critical blocking one leads.
		dec("K8S-005", SeverityHigh, web, "a.yaml", vol, StatusFail),
		dec("K8S-026", SeverityLow, web, "a.yaml", vol, StatusWarn),
		dec("K8S-009", SeverityCritical, web, "a.yaml", vol+".hostPath.path", StatusFail),
		dec("K8S-007", SeverityHigh, web, "a.yaml", vol+".hostPath.path", StatusFail),
		// One mutable tag, two checks.
		dec("K8S-042", SeverityLow, web, "a.yaml", image, StatusWarn),
		dec("K8S-040", SeverityMedium, web, "a.yaml", image, StatusWarn),
		// A field that merely starts with the same letters is another field.
		dec("K8S-044", SeverityLow, web, "a.yaml", image+"PullPolicy", StatusWarn),
		// The same field on another object, or the same object in another
		// file, is another root cause.
		dec("K8S-040", SeverityMedium, api, "a.yaml", image, StatusWarn),
		dec("K8S-042", SeverityLow, web, "b.yaml", image, StatusWarn),
		// No field: never grouped.
		dec("K8S-082", SeverityMedium, web, "a.yaml", "", StatusWarn),
		dec("K8S-083", SeverityMedium, web, "a.yaml", "", StatusWarn),
		// A waived finding never hides one that is not.
		dec("K8S-001", SeverityCritical, web, "a.yaml", "spec.template.spec.containers[1].securityContext", StatusExcepted),
		dec("K8S-015", SeverityMedium, web, "a.yaml", "spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation", StatusWarn),
	}
	want := map[string][]string{
		"K8S-009 " + vol + ".hostPath.path": {"K8S-005", "K8S-007", "K8S-026"},
		"K8S-040 " + image:                  {"K8S-042"},
		"K8S-015 spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation": {"K8S-001"},
	}
	for seed := range 8 {
		in := slices.Clone(fs)
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		rng.Shuffle(len(in), func(a, b int) { in[a], in[b] = in[b], in[a] })
		rep := &Report{Findings: in}
		rep.Summarize()
		got := groupsOf(t, rep.Findings)
		for k := range got {
			slices.Sort(got[k])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("seed %d: groups\n%v\nwant\n%v", seed, got, want)
		}
		// Grouping changes no count: every finding is still counted.
		if s := rep.Summary; s.Findings != len(fs) || s.Blocking != 3 || s.ExitCode != ExitFail {
			t.Errorf("summary changed: %+v", s)
		}
		// Summarizing again gives the same groups.
		rep.Summarize()
		if again := groupsOf(t, rep.Findings); len(again) != len(want) {
			t.Errorf("second Summarize: %v", again)
		}
	}
}

// TestRelateBounded: many findings on one object, deeply nested and wide,
// are grouped in time proportional to n log n.
func TestRelateBounded(t *testing.T) {
	var fs []Finding
	for i := range 50000 {
		fs = append(fs, dec("K8S-001", SeverityLow, web, "a.yaml", fmt.Sprintf("spec.items[%d].x", i), StatusWarn))
	}
	fs = append(fs, dec("K8S-002", SeverityHigh, web, "a.yaml", "spec", StatusWarn))
	start := time.Now()
	Relate(fs)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Relate of %d findings took %v", len(fs), d)
	}
	if p := fs[len(fs)-1]; len(p.Related) != 50000 {
		t.Errorf("spec encloses every field: %d related", len(p.Related))
	}
}
