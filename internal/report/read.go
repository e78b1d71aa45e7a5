package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// MaxResultSize bounds a result file Read accepts.
const MaxResultSize = 256 << 20

// Read decodes a result written with --format json. Input larger than
// MaxResultSize, of another schema version or with fields the layout does
// not have is an error.
func Read(r io.Reader) (*Report, error) { return read(r, MaxResultSize) }

func read(r io.Reader, limit int64) (*Report, error) {
	lr := &io.LimitedReader{R: r, N: limit + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		if lr.N <= 0 {
			return nil, fmt.Errorf("larger than %d MiB", limit>>20)
		}
		return nil, fmt.Errorf("not a bulwark JSON result: %w", err)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("larger than %d MiB", limit>>20)
	}
	if rep.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("schema version %q, want %q", rep.SchemaVersion, SchemaVersion)
	}
	return &rep, nil
}

// Merge joins results of several runs (scan aks, scan cluster, assess...)
// into one for a posture report: findings, checks (once each), attack
// paths, errors and warnings of all, summarized anew.
func Merge(reps ...*Report) *Report {
	if len(reps) == 1 {
		return reps[0]
	}
	// Lists are empty, never null, as in any run's JSON.
	out := &Report{SchemaVersion: SchemaVersion, Command: "report", Findings: []Finding{}, Checks: []Check{}, Exceptions: []Exception{},
		Warnings: []string{}, Coverage: []Coverage{}, Errors: []InputError{}, CheckErrors: []CheckError{},
		Inventory: Inventory{Kinds: []KindCount{}, Skipped: []Skipped{}, NotAssessed: []ObjectNote{}, ViaTemplate: []ObjectNote{}}}
	seen := map[string]bool{}
	kinds := map[string]int{}
	for _, r := range reps {
		if out.Tool.Name == "" {
			out.Tool, out.Settings = r.Tool, r.Settings
		}
		out.Targets = append(out.Targets, r.Targets...)
		out.Findings = append(out.Findings, r.Findings...)
		for _, c := range r.Checks {
			if !seen[c.ID] {
				seen[c.ID] = true
				out.Checks = append(out.Checks, c)
			}
		}
		out.Exceptions = append(out.Exceptions, r.Exceptions...)
		out.Warnings = append(out.Warnings, r.Warnings...)
		out.Coverage = append(out.Coverage, r.Coverage...)
		out.Errors = append(out.Errors, r.Errors...)
		out.CheckErrors = append(out.CheckErrors, r.CheckErrors...)
		out.AttackPaths = append(out.AttackPaths, r.AttackPaths...)
		if r.Fleet != nil {
			if out.Fleet == nil {
				out.Fleet = &Fleet{}
			}
			out.Fleet.Clusters = append(out.Fleet.Clusters, r.Fleet.Clusters...)
		}
		out.Inventory.Files += r.Inventory.Files
		out.Inventory.Documents += r.Inventory.Documents
		out.Inventory.Objects += r.Inventory.Objects
		out.Inventory.Skipped = append(out.Inventory.Skipped, r.Inventory.Skipped...)
		out.Inventory.NotAssessed = append(out.Inventory.NotAssessed, r.Inventory.NotAssessed...)
		out.Inventory.ViaTemplate = append(out.Inventory.ViaTemplate, r.Inventory.ViaTemplate...)
		for _, k := range r.Inventory.Kinds {
			if _, ok := kinds[k.Kind]; !ok {
				out.Inventory.Kinds = append(out.Inventory.Kinds, KindCount{Kind: k.Kind})
			}
			kinds[k.Kind] += k.Count
		}
	}
	slices.SortFunc(out.Checks, func(a, b Check) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	for i := range out.Inventory.Kinds {
		out.Inventory.Kinds[i].Count = kinds[out.Inventory.Kinds[i].Kind]
	}
	slices.SortFunc(out.Inventory.Kinds, func(a, b KindCount) int { return strings.Compare(a.Kind, b.Kind) })
	slices.SortStableFunc(out.AttackPaths, func(a, b AttackPath) int { return b.Score - a.Score })
	if out.Fleet != nil {
		out.Fleet.Summarize()
	}
	out.Summarize()
	return out
}
