package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

// ghsaTree writes a small GitHub Advisory Database as `git clone` lays it
// out: advisories/github-reviewed/YYYY/MM/GHSA-…/GHSA-….json.
func ghsaTree(t *testing.T, advisories ...map[string]any) string {
	t.Helper()
	root := t.TempDir()
	for _, a := range advisories {
		id := a["id"].(string)
		p := filepath.Join(root, "advisories", "github-reviewed", "2026", "03", id, id+".json")
		b, _ := json.Marshal(a)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Unreviewed advisories are not read.
	un := filepath.Join(root, "advisories", "unreviewed", "2026", "03", "GHSA-zzzz-zzzz-zzzz", "GHSA-zzzz-zzzz-zzzz.json")
	if err := os.MkdirAll(filepath.Dir(un), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(un, []byte(`{"id":"GHSA-zzzz-zzzz-zzzz","aliases":["CVE-2099-0002"],"database_specific":{"severity":"CRITICAL"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestUnratedAdvisories: a Go advisory without a rating is rated by the
// GitHub advisory it aliases once the GitHub Advisory Database is
// imported, and fires at high; without it, vulnerabilities.unrated says
// how it is gated.
func TestUnratedAdvisories(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	imagetest.Layout(t, dir, imagetest.Image(t, "amd64", nil, imagetest.Layer(t,
		imagetest.File{Name: "app", Content: imagetest.BuildGo(t, imagetest.GoProgram{}), Mode: 0o755})))
	goData := filepath.Join(t.TempDir(), "go")
	for id, alias := range map[string]string{"GO-2099-0001": "GHSA-aaaa-bbbb-cccc", "GO-2099-0002": "CVE-2099-0002"} {
		adv := map[string]any{"id": id, "modified": "2026-11-20T00:00:00Z", "aliases": []string{alias}, "affected": []any{map[string]any{
			"package": map[string]string{"ecosystem": "Go", "name": "stdlib"},
			"ranges":  []any{map[string]any{"type": "SEMVER", "events": []any{map[string]string{"introduced": "0"}}}},
		}}}
		b, _ := json.Marshal(adv)
		if err := os.MkdirAll(goData, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(goData, id+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ghsa := ghsaTree(t,
		map[string]any{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2026-11-20T00:00:00Z", "aliases": []string{"CVE-2099-0001"}, "database_specific": map[string]any{"severity": "HIGH"},
			"affected": []any{map[string]any{"package": map[string]string{"ecosystem": "Go", "name": "stdlib"}}}},
		map[string]any{"id": "GHSA-dddd-eeee-ffff", "modified": "2026-11-20T00:00:00Z", "aliases": []string{"CVE-2099-0003"}},
	)
	plain, rated := t.TempDir(), t.TempDir()
	for _, args := range [][]string{{"--db-dir", plain, goData}, {"--db-dir", rated, goData}, {"--db-dir", rated, ghsa}} {
		if c, out, e := run(t, "", append([]string{"db", "import"}, args...)...); c != 0 {
			t.Fatalf("db import %v: exit %d: %s", args, c, e)
		} else if args[2] == ghsa && (!strings.Contains(out, "imported GHSA: 1 advisories") || !strings.Contains(out, "skipped 1 without a rating")) {
			t.Fatalf("GHSA import: %s", out)
		}
	}
	policyFile := func(unrated string) string {
		p := filepath.Join(t.TempDir(), "bulwark.yaml")
		doc := "apiVersion: bulwark.dev/v1alpha1\nkind: Policy\n"
		if unrated != "" {
			doc += "vulnerabilities:\n  unrated: " + unrated + "\n"
		}
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name, db, unrated string
		code              int
		want              []string
	}{
		{"GHSA rates the Go advisory high", rated, "", 1, []string{"IMG-002 GO-2099-0001 fail", "IMG-005 GO-2099-0002 warn"}},
		{"unrated is medium by default", plain, "", 0, []string{"IMG-005 GO-2099-0001 warn", "IMG-005 GO-2099-0002 warn"}},
		{"unrated: high gates them", plain, "high", 1, []string{"IMG-005 GO-2099-0001 fail", "IMG-005 GO-2099-0002 fail"}},
		{"unrated: ignore leaves them out", rated, "ignore", 1, []string{"IMG-002 GO-2099-0001 fail"}},
	} {
		code, out, stderr := run(t, "", "scan", "image", dir, "--db-dir", tc.db, "--no-cache", "--no-base-check", "-f", "json", "--fail-on", "high", "--policy", policyFile(tc.unrated))
		var got []string
		rep := decodeReport(t, out)
		for _, f := range rep.Findings {
			got = append(got, f.CheckID+" "+advisory(f.Field)+" "+f.Status)
		}
		slices.Sort(got)
		if code != tc.code || !slices.Equal(got, tc.want) {
			t.Errorf("%s: exit %d, findings %q; want %d, %q\n%s", tc.name, code, got, tc.code, tc.want, stderr)
		}
		if tc.unrated == "ignore" && !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "1 vulnerability without a rating left out") }) {
			t.Errorf("%s: no warning about what was left out: %q", tc.name, rep.Warnings)
		}
	}
	if c, _, e := run(t, "", "scan", "image", dir, "--db-dir", plain, "--no-cache", "--policy", policyFile("severe")); c != 2 || !strings.Contains(e, "vulnerabilities.unrated") {
		t.Errorf("a bad vulnerabilities.unrated: exit %d: %s", c, e)
	}
}
