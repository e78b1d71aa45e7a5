// Package baseline keeps the state that grace periods and --new-only need:
// when each finding was first seen. The file is meant to be committed, so
// it is deterministic (sorted, one field per line) and its diffs review
// cleanly.
package baseline

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/regularfile"
)

const (
	APIVersion = "bulwark.dev/v1alpha1"
	Kind       = "Baseline"
	// FileName is the default baseline file, beside the policy.
	FileName = "bulwark-baseline.json"
	// ConfigMapKey is the data key holding the baseline in a ConfigMap.
	ConfigMapKey = "baseline.json"
	// DateLayout is how dates are written.
	DateLayout = "2006-01-02"
	maxSize    = 64 << 20
	// Skew is how far past the run's date an entry may have been seen:
	// a baseline written on a machine a time zone ahead is still honest.
	Skew = 24 * time.Hour
)

// Entry is one finding's history.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	CheckID     string `json:"checkID"`
	Subject     string `json:"subject"`
	Field       string `json:"field,omitempty"`
	FirstSeen   string `json:"firstSeen"`
	LastSeen    string `json:"lastSeen"`
}

// Baseline is the decoded state file.
type Baseline struct {
	APIVersion string  `json:"apiVersion"`
	Kind       string  `json:"kind"`
	Findings   []Entry `json:"findings"`

	index map[string]int
}

// Lookup returns the entry for a fingerprint.
func (b *Baseline) Lookup(fp string) (Entry, bool) {
	if b == nil {
		return Entry{}, false
	}
	i, ok := b.index[fp]
	if !ok {
		return Entry{}, false
	}
	return b.Findings[i], true
}

// FirstSeen returns when a finding was first seen.
func (b *Baseline) FirstSeen(fp string) (time.Time, bool) {
	e, ok := b.Lookup(fp)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(DateLayout, e.FirstSeen)
	return t, err == nil
}

// Load reads a baseline file for a run on day now (--as-of or today).
func Load(path string, now time.Time) (*Baseline, error) {
	data, err := regularfile.Read(path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return Parse(path, data, now)
}

// FromConfigMap reads the baseline kept in a ConfigMap under
// data["baseline.json"], the in-cluster form.
func FromConfigMap(cm *corev1.ConfigMap, now time.Time) (*Baseline, error) {
	data, ok := cm.Data[ConfigMapKey]
	if !ok {
		return nil, fmt.Errorf("configmap %s/%s has no %q key", cm.Namespace, cm.Name, ConfigMapKey)
	}
	return Parse("configmap/"+cm.Namespace+"/"+cm.Name, []byte(data), now)
}

// Parse decodes and checks a baseline document read on day now. Every date
// must be a real one (policy.ParseDate), last seen no earlier than first
// seen, and neither later than now plus Skew: a finding first seen in the
// future would never come due (or be "due" for 8,000 years), silently
// waiving it under a grace period.
func Parse(name string, data []byte, now time.Time) (*Baseline, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s:%d: %v", name, lineOf(data, se.Offset), err)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if b.APIVersion != APIVersion || b.Kind != Kind {
		return nil, fmt.Errorf("%s: not a bulwark baseline (want apiVersion %s, kind %s)", name, APIVersion, Kind)
	}
	b.index = make(map[string]int, len(b.Findings))
	latest := now.UTC().Add(Skew)
	for i, e := range b.Findings {
		if _, dup := b.index[e.Fingerprint]; dup || e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: fingerprint %q is empty or listed twice", entryAt(name, data, i, e), e.Fingerprint)
		}
		first, err := policy.ParseDate(e.FirstSeen)
		if err != nil {
			return nil, fmt.Errorf("%s: firstSeen %v", entryAt(name, data, i, e), err)
		}
		if first.After(latest) {
			return nil, fmt.Errorf("%s: firstSeen %s is after the run's date %s: a baseline cannot have seen a finding in the future (a wrong clock, or an edit); correct the date or remove the entry",
				entryAt(name, data, i, e), e.FirstSeen, now.UTC().Format(DateLayout))
		}
		if e.LastSeen != "" {
			last, err := policy.ParseDate(e.LastSeen)
			switch {
			case err != nil:
				return nil, fmt.Errorf("%s: lastSeen %v", entryAt(name, data, i, e), err)
			case last.Before(first):
				return nil, fmt.Errorf("%s: lastSeen %s is before firstSeen %s", entryAt(name, data, i, e), e.LastSeen, e.FirstSeen)
			case last.After(latest):
				return nil, fmt.Errorf("%s: lastSeen %s is after the run's date %s: correct the date or remove the entry",
					entryAt(name, data, i, e), e.LastSeen, now.UTC().Format(DateLayout))
			}
		}
		b.index[e.Fingerprint] = i
	}
	return &b, nil
}

// entryAt names entry i for messages: file:line of its fingerprint when it
// can be found, and the entry's position and check.
func entryAt(name string, data []byte, i int, e Entry) string {
	where := name
	if q, err := json.Marshal(e.Fingerprint); err == nil && e.Fingerprint != "" {
		if off := bytes.Index(data, q); off >= 0 {
			where = fmt.Sprintf("%s:%d", name, lineOf(data, int64(off)))
		}
	}
	return fmt.Sprintf("%s: findings[%d] (%q on %q)", where, i, e.CheckID, e.Subject)
}

func lineOf(data []byte, off int64) int {
	return bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1
}

// Update returns the baseline after a run that found fs on day now: every
// current finding is kept with its first-seen date (never moved forward),
// last seen is now, and findings no longer present leave the file.
func Update(old *Baseline, fs []finding.Finding, now time.Time) *Baseline {
	today := now.UTC().Format(DateLayout)
	nb := &Baseline{APIVersion: APIVersion, Kind: Kind, Findings: []Entry{}, index: map[string]int{}}
	for _, f := range fs {
		if _, dup := nb.index[f.Fingerprint]; dup {
			continue // the same object scanned twice (e.g. in two overlays)
		}
		e := Entry{Fingerprint: f.Fingerprint, CheckID: f.CheckID, Subject: f.Subject.String(), Field: f.Field, FirstSeen: today, LastSeen: today}
		if prev, ok := old.Lookup(f.Fingerprint); ok && prev.FirstSeen < today {
			e.FirstSeen = prev.FirstSeen
		}
		nb.index[f.Fingerprint] = len(nb.Findings)
		nb.Findings = append(nb.Findings, e)
	}
	slices.SortFunc(nb.Findings, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.CheckID, b.CheckID), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Fingerprint, b.Fingerprint))
	})
	for i, e := range nb.Findings {
		nb.index[e.Fingerprint] = i
	}
	return nb
}

// Encode writes the baseline as indented JSON with a final newline.
func (b *Baseline) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}

// New is a baseline of entries kept elsewhere than in a file (the
// operator keeps first-seen dates in its reports). Entries are taken as
// they are: a fingerprint listed twice keeps its first entry.
func New(entries []Entry) *Baseline {
	b := &Baseline{APIVersion: APIVersion, Kind: Kind, Findings: make([]Entry, 0, len(entries)), index: make(map[string]int, len(entries))}
	for _, e := range entries {
		if _, dup := b.index[e.Fingerprint]; dup {
			continue
		}
		b.index[e.Fingerprint] = len(b.Findings)
		b.Findings = append(b.Findings, e)
	}
	return b
}
