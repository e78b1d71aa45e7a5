package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestReadRoundTrip(t *testing.T) {
	rep := &Report{SchemaVersion: SchemaVersion, Command: "assess", Findings: []Finding{{CheckID: "K8S-001", Fingerprint: "f", Status: StatusFail, AttackPaths: 2}},
		AttackPaths: []AttackPath{{ID: "p", Entry: "e", Target: "t", Jewel: "node", Score: 5, Hops: []AttackHop{{From: "Internet", To: "e", Step: "exposed", Description: "d"}}}}}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got.Findings[0].AttackPaths != 2 || got.AttackPaths[0].Hops[0].Step != "exposed" {
		t.Errorf("read %+v", got)
	}
}

func TestReadRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not JSON":        "findings: []",
		"other version":   `{"schemaVersion": "bulwark.dev/report/v0"}`,
		"unknown field":   `{"schemaVersion": "bulwark.dev/report/v1", "secret": 1}`,
		"empty":           "",
		"too deep arrays": strings.Repeat("[", 20000),
	} {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("%s: read", name)
		}
	}
}

func TestReadBounded(t *testing.T) {
	// A result whose string never ends stops at the size limit.
	r := &endless{prefix: []byte(`{"schemaVersion": "`)}
	const limit = 4 << 20
	_, err := read(r, limit)
	if err == nil || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Fatalf("err %v", err)
	}
	if r.n > limit+64<<10 {
		t.Errorf("read %d bytes past the limit", r.n-limit)
	}
}

type endless struct {
	prefix []byte
	n      int
}

func (e *endless) Read(p []byte) (int, error) {
	k := copy(p, e.prefix)
	e.prefix = e.prefix[k:]
	for i := k; i < len(p); i++ {
		p[i] = 'a'
	}
	e.n += len(p)
	return len(p), nil
}

func TestMerge(t *testing.T) {
	a := &Report{SchemaVersion: SchemaVersion, Checks: []Check{{ID: "K8S-002"}, {ID: "K8S-001"}}, Findings: []Finding{{CheckID: "K8S-001", Fingerprint: "a", Blocking: true, Status: StatusFail}}}
	b := &Report{SchemaVersion: SchemaVersion, Checks: []Check{{ID: "K8S-001"}}, Errors: []InputError{{Message: "x"}},
		AttackPaths: []AttackPath{{ID: "low", Score: 1}, {ID: "high", Score: 9}}}
	m := Merge(a, b)
	if len(m.Checks) != 2 || m.Checks[0].ID != "K8S-001" || len(m.Findings) != 1 || m.AttackPaths[0].ID != "high" {
		t.Errorf("merged %+v", m)
	}
	if m.Summary.Result != "error" || m.Summary.Blocking != 1 {
		t.Errorf("summary %+v", m.Summary)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"schemaVersion": "bulwark.dev/report/v1", "findings": [{"checkID": "K8S-001"}]}`))
	f.Add([]byte(`{"schemaVersion": "bulwark.dev/report/v1", "attackPaths": [{"hops": [{"evidence": [{}]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Read(bytes.NewReader(b))
		if err == nil && rep.SchemaVersion != SchemaVersion {
			t.Fatalf("accepted version %q", rep.SchemaVersion)
		}
	})
}
