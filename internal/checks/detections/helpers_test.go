package detections

import (
	"encoding/json"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

func TestMain(m *testing.M) { checktest.Main(m) }

// event is an allowed, final request by user; change it with opts.
func event(verb, group, resource, sub, ns, name, user string, opts ...func(*audit.Event)) string {
	ev := audit.Event{
		Kind: "Event", APIVersion: audit.APIVersion, Level: "Metadata", AuditID: "11111111-2222-3333-4444-555555555555",
		Stage: "ResponseComplete", Verb: verb, RequestURI: "/api/v1/x",
		User:           audit.UserInfo{Username: user, Groups: []string{"system:authenticated"}},
		SourceIPs:      []string{"10.1.2.3"},
		ObjectRef:      &audit.ObjectReference{APIGroup: group, Resource: resource, Subresource: sub, Namespace: ns, Name: name},
		ResponseStatus: &audit.Status{Code: 200},
		Annotations:    map[string]string{"authorization.k8s.io/decision": "allow"},
	}
	for _, o := range opts {
		o(&ev)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func code(c int32) func(*audit.Event) {
	return func(e *audit.Event) {
		e.ResponseStatus.Code = c
		delete(e.Annotations, "authorization.k8s.io/decision")
	}
}

func denied(e *audit.Event) {
	e.ResponseStatus.Code = 403
	e.Annotations["authorization.k8s.io/decision"] = "forbid"
}

func stage(s string) func(*audit.Event) { return func(e *audit.Event) { e.Stage = s } }

func groups(g ...string) func(*audit.Event) { return func(e *audit.Event) { e.User.Groups = g } }

func body(obj string) func(*audit.Event) {
	return func(e *audit.Event) { e.RequestObject = json.RawMessage(obj) }
}

func uri(u string) func(*audit.Event) {
	return func(e *audit.Event) { e.ObjectRef = nil; e.RequestURI = u }
}

func ips(ip ...string) func(*audit.Event) { return func(e *audit.Event) { e.SourceIPs = ip } }
