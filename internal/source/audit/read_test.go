package audit

import (
	"encoding/json"
	"strings"
	"testing"
)

const execEvent = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods/web/exec?command=sh","verb":"create","user":{"username":"alice","groups":["system:authenticated"]},"sourceIPs":["10.0.0.1"],"objectRef":{"resource":"pods","namespace":"shop","name":"web","apiVersion":"v1","subresource":"exec"},"responseStatus":{"code":101},"requestReceivedTimestamp":"2026-12-07T10:00:00.000000Z","stageTimestamp":"2026-12-07T10:00:00.100000Z"}`

type got struct {
	ids      []string
	problems []string
}

func read(t *testing.T, in string, lim Limits) got {
	t.Helper()
	var g got
	err := Read(strings.NewReader(in), lim, func(ev *Event, pos Position) error {
		g.ids = append(g.ids, ev.AuditID+"@"+pos.String())
		return nil
	}, func(e *Error) { g.problems = append(g.problems, e.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func quoted(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestReadShapes(t *testing.T) {
	ev2 := strings.Replace(execEvent, `"a1"`, `"a2"`, 1)
	in := strings.Join([]string{
		execEvent,
		"",
		`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + execEvent + `,` + ev2 + `]}`,
		// A storage-account record (PT1H.json), then an Event Hub body.
		`{"time":"2026-12-07T10:00:00Z","category":"kube-audit","operationName":"Microsoft.ContainerService/managedClusters/diagnosticLogs/Read","properties":{"log":` + quoted(execEvent) + `,"stream":"stdout","pod":"kube-apiserver-1"}}`,
		`{"records":[{"category":"kube-audit-admin","properties":{"log":` + quoted(ev2) + `}},{"category":"kube-apiserver","properties":{"log":"I1207 started"}}]}`,
	}, "\n")
	// Items as the API server's webhook backend sends them: no kind or
	// apiVersion of their own; an item that names another kind is still refused.
	bare := strings.Replace(strings.Replace(execEvent, `"kind":"Event","apiVersion":"audit.k8s.io/v1",`, "", 1), `"a1"`, `"a3"`, 1)
	in += "\n" + `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + bare + `,{"kind":"Pod","auditID":"a4","verb":"get","stage":"ResponseComplete"}]}`
	g := read(t, in, DefaultLimits)
	want := []string{"a1@line 1", "a1@line 3, item 0", "a2@line 3, item 1", "a1@line 4", "a2@line 5, item 0", "a3@line 6, item 0"}
	if strings.Join(g.ids, " ") != strings.Join(want, " ") {
		t.Errorf("events %v, want %v", g.ids, want)
	}
	if len(g.problems) != 2 || !strings.Contains(g.problems[0], `line 5, item 1: AKS diagnostic record of category "kube-apiserver"`) ||
		!strings.Contains(g.problems[1], `line 6, item 1: kind "Pod"`) {
		t.Errorf("problems %v", g.problems)
	}
}

func TestReadProblems(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"not json":      {"{not json", "line 1: not an audit event"},
		"v1beta1":       {strings.Replace(execEvent, "audit.k8s.io/v1", "audit.k8s.io/v1beta1", 1), `apiVersion "audit.k8s.io/v1beta1"`},
		"other kind":    {`{"kind":"Pod","apiVersion":"v1"}`, `kind "Pod"`},
		"no audit id":   {strings.Replace(execEvent, `"auditID":"a1",`, "", 1), "without auditID"},
		"log not event": {`{"category":"kube-audit","properties":{"log":"{]"}}`, "properties.log is not an audit event"},
		"no log":        {`{"category":"kube-audit","properties":{}}`, "without properties.log"},
		"wrong type":    {`{"kind":"Event","verb":3}`, "field verb"},
		"control chars": {`{"kind":"Ev\u001b[31ment"}`, `kind "Ev[31ment"`},
	} {
		g := read(t, tc.in, DefaultLimits)
		if len(g.ids) != 0 || len(g.problems) != 1 || !strings.Contains(g.problems[0], tc.want) {
			t.Errorf("%s: events %v problems %q, want one problem with %q", name, g.ids, g.problems, tc.want)
		}
	}
}

// A line over the limit is skipped and named; the next one is read. The
// reader's buffer (64 KiB) is smaller than the line, so the cut happens
// across several reads.
func TestReadLongLine(t *testing.T) {
	long := `{"kind":"Event","x":"` + strings.Repeat("a", 300<<10) + `"}`
	g := read(t, long+"\n"+execEvent+"\n", Limits{MaxLine: 100 << 10, MaxEvents: 10})
	if len(g.ids) != 1 || g.ids[0] != "a1@line 2" {
		t.Errorf("events %v", g.ids)
	}
	if len(g.problems) != 1 || !strings.Contains(g.problems[0], "line 1: line longer than 102400 bytes") {
		t.Errorf("problems %v", g.problems)
	}
}

func TestReadTooManyEvents(t *testing.T) {
	list := `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[` + execEvent + `,` + execEvent + `,` + execEvent + `]}`
	g := read(t, list, Limits{MaxLine: 1 << 20, MaxEvents: 2})
	if len(g.ids) != 0 || len(g.problems) != 1 || !strings.Contains(g.problems[0], "3 events: more than 2") {
		t.Errorf("events %v problems %v", g.ids, g.problems)
	}
}

func TestEventHelpers(t *testing.T) {
	var ev Event
	if err := json.Unmarshal([]byte(execEvent), &ev); err != nil {
		t.Fatal(err)
	}
	if !ev.Allowed() || !ev.Final() || !ev.Is("", "pods", "exec") || ev.Object() != "pods/exec shop/web" || ev.Actor().Username != "alice" {
		t.Errorf("helpers on %+v", ev)
	}
	ev.ImpersonatedUser = &UserInfo{Username: "system:serviceaccount:shop:api"}
	if ns, name, ok := ev.Actor().ServiceAccount(); !ok || ns != "shop" || name != "api" {
		t.Errorf("service account %q %q %v", ns, name, ok)
	}
	ev.ResponseStatus.Code = 403
	if ev.Allowed() {
		t.Error("403 allowed")
	}
}
