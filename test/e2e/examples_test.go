package e2e

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// fileOnlyChecks judge how objects are written in files, which a cluster
// cannot show (internal/scan's fileOnly): they do not run on one.
var fileOnlyChecks = []string{"K8S-074", "K8S-133"}

// liveOnlyChecks judge what only a running cluster shows.
var liveOnlyChecks = []string{"K8S-036", "K8S-140", "K8S-141", "K8S-142", "K8S-143", "K8S-144", "K8S-145"}

// side says which scan a known difference shows up in.
type side int

const (
	onlyInFiles side = iota
	onlyInCluster
)

// knownDifferences are findings that differ between a manifest and the same
// object read back from the API server because the server changed the
// object on the way in (defaulting, allocation). Each is what the cluster
// really holds, not a gap in collection.
var knownDifferences = []struct {
	check, field string
	side         side
	why          string
}{
	{"K8S-062", "spec.template.spec.serviceAccount", onlyInFiles,
		"the API server copies the deprecated serviceAccount into serviceAccountName, so a live object cannot show which field the manifest used; " +
			"the missing ServiceAccount is reported on serviceAccountName instead"},
	{"K8S-062", "spec.template.spec.serviceAccountName", onlyInCluster, "(the same finding, on the field the API server filled in)"},
	{"K8S-082", "metadata.namespace", onlyInFiles,
		"the files do not define the namespace, so the check reports it on the workloads in it; the cluster has the Namespace object, which carries the finding"},
}

func knownDifference(k key, s side) (string, bool) {
	for _, d := range knownDifferences {
		if d.check == k.check && d.side == s && fieldMatches(d.field, k.field) {
			return d.why, true
		}
	}
	return "", false
}

// fieldMatches matches a field path against a pattern in which [*] stands
// for any list index.
func fieldMatches(pattern, field string) bool {
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\[\*\]`, `\[[0-9]+\]`) + "$"
	return regexp.MustCompile(re).MatchString(field)
}

// TestClusterMatchesManifests loads each example into a real API server
// and scans it both ways: every finding of `scan manifests` on the files
// must come out of `scan cluster` on the same objects (same check, subject
// and field), and the cluster scan may add only findings on objects that
// are not in the files or from live-only checks.
func TestClusterMatchesManifests(t *testing.T) {
	for _, example := range []string{"insecure", "hardened"} {
		t.Run(example, func(t *testing.T) {
			dir := "../../examples/" + example
			s := apiserver.Start(t)
			created, skipped, err := s.Load(context.Background(), dir)
			apiserver.Must(t, err)
			t.Logf("loaded %d objects; not served by a bare API server (custom resources, removed API versions): %v", len(created), skipped)

			files := bulwarkJSON(t, "scan", "manifests", dir)
			live := bulwarkJSON(t, "scan", "cluster", "--kubeconfig", s.Kubeconfig)
			if live.rep.Summary.Result == "error" {
				t.Fatalf("cluster scan incomplete: %+v\nstderr: %s", live.rep.Errors, live.err)
			}

			inFiles := map[[3]string]bool{}
			for _, r := range created {
				inFiles[[3]string{r.Kind, r.Namespace, r.Name}] = true
			}
			notServed := map[[3]string]bool{}
			for _, r := range skipped {
				notServed[[3]string{r.Kind, r.Namespace, r.Name}] = true
			}
			// Objects without a namespace in the files were created in
			// "default", as kubectl does.
			normalize := func(k key) key {
				if k.ns == "" && !inFiles[[3]string{k.kind, "", k.name}] && inFiles[[3]string{k.kind, "default", k.name}] {
					k.ns = "default"
				}
				return k
			}
			want := map[key]bool{}
			for _, k := range keys(files.rep) {
				k = normalize(k)
				if slices.Contains(fileOnlyChecks, k.check) || notServed[[3]string{k.kind, k.ns, k.name}] {
					continue
				}
				want[k] = true
			}
			got := map[key]bool{}
			var liveOnly []string
			for _, k := range keys(live.rep) {
				if slices.Contains(liveOnlyChecks, k.check) || !inFiles[[3]string{k.kind, k.ns, k.name}] {
					liveOnly = append(liveOnly, k.String())
					continue
				}
				got[k] = true
			}
			var missing, extra, explained []string
			for k := range want {
				if got[k] {
					continue
				}
				if why, ok := knownDifference(k, onlyInFiles); ok {
					explained = append(explained, "only in manifests: "+k.String()+": "+why)
					continue
				}
				missing = append(missing, k.String())
			}
			for k := range got {
				if want[k] {
					continue
				}
				if why, ok := knownDifference(k, onlyInCluster); ok {
					explained = append(explained, "only in cluster: "+k.String()+": "+why)
					continue
				}
				extra = append(extra, k.String())
			}
			slices.Sort(explained)
			for _, e := range explained {
				t.Log(e)
			}
			slices.Sort(missing)
			slices.Sort(extra)
			if len(missing) > 0 || len(extra) > 0 {
				t.Errorf("scan cluster differs from scan manifests on the same objects:\nonly in manifests (%d):\n  %s\nonly in cluster (%d):\n  %s",
					len(missing), strings.Join(missing, "\n  "), len(extra), strings.Join(extra, "\n  "))
			}
			t.Logf("%s: %d findings in both; %d live-only findings (objects the API server creates itself, live-only checks):\n  %s",
				example, len(want), len(liveOnly), strings.Join(liveOnly, "\n  "))
		})
	}
}
