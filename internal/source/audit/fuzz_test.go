package audit

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader with production limits: it
// must return events that have what a detection relies on, or located
// problems, never panic or run away.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		execEvent,
		`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + execEvent + `]}`,
		`{"category":"kube-audit","properties":{"log":` + quoted(execEvent) + `}}`,
		`{"records":[{"category":"kube-audit","properties":{"log":"{}"}}]}`,
		"\n\n{\"kind\":\"Event\"}\n[1,2]\nnull\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		err := Read(bytes.NewReader(data), DefaultLimits, func(ev *Event, pos Position) error {
			if ev.Kind != "Event" || ev.APIVersion != APIVersion || ev.AuditID == "" || ev.Verb == "" {
				t.Fatalf("event without identity at %v: %+v", pos, ev)
			}
			if pos.Line < 1 || pos.Line > lines {
				t.Fatalf("position %v outside %d lines", pos, lines)
			}
			_ = ev.Object()
			_, _, _ = ev.Actor().ServiceAccount()
			return nil
		}, func(e *Error) {
			if e.Msg == "" || e.Pos.Line < 1 || strings.ContainsAny(e.Error(), "\x1b\r") {
				t.Fatalf("bad problem %q", e.Error())
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		_ = Decode(data, DefaultLimits, func(*Event, Position) error { return nil }, func(*Error) {})
	})
}
