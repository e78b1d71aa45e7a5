package audit

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// APIVersion is the audit event version read. audit.k8s.io/v1beta1 was
// removed in Kubernetes 1.24; its events are refused, not half-read.
const APIVersion = "audit.k8s.io/v1"

// Event is one audit event, the fields of audit.k8s.io/v1 Event that
// detections read (k8s.io/apiserver/pkg/apis/audit/v1).
type Event struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Level      string `json:"level"`
	AuditID    string `json:"auditID"`
	// Stage is RequestReceived, ResponseStarted, ResponseComplete or Panic.
	Stage                    string            `json:"stage"`
	RequestURI               string            `json:"requestURI"`
	Verb                     string            `json:"verb"`
	User                     UserInfo          `json:"user"`
	ImpersonatedUser         *UserInfo         `json:"impersonatedUser,omitempty"`
	SourceIPs                []string          `json:"sourceIPs,omitempty"`
	UserAgent                string            `json:"userAgent,omitempty"`
	ObjectRef                *ObjectReference  `json:"objectRef,omitempty"`
	ResponseStatus           *Status           `json:"responseStatus,omitempty"`
	RequestObject            json.RawMessage   `json:"requestObject,omitempty"`
	ResponseObject           json.RawMessage   `json:"responseObject,omitempty"`
	RequestReceivedTimestamp time.Time         `json:"requestReceivedTimestamp"`
	StageTimestamp           time.Time         `json:"stageTimestamp"`
	Annotations              map[string]string `json:"annotations,omitempty"`
}

// UserInfo is the authenticated (or impersonated) identity of a request.
type UserInfo struct {
	Username string              `json:"username"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// ObjectReference names the object a request is about.
type ObjectReference struct {
	Resource        string `json:"resource,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name,omitempty"`
	UID             string `json:"uid,omitempty"`
	APIGroup        string `json:"apiGroup,omitempty"`
	APIVersion      string `json:"apiVersion,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	Subresource     string `json:"subresource,omitempty"`
}

// Status is the response's status (metav1.Status, the fields read).
type Status struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Code    int32  `json:"code,omitempty"`
}

// Actor is who the request acted as: the impersonated user when there is
// one, else the authenticated user.
func (e *Event) Actor() *UserInfo {
	if e.ImpersonatedUser != nil && e.ImpersonatedUser.Username != "" {
		return e.ImpersonatedUser
	}
	return &e.User
}

// Allowed reports whether the API server let the request through: a
// response below 400. An event without a response status (stage
// RequestReceived) was not yet decided and is not allowed.
func (e *Event) Allowed() bool {
	return e.ResponseStatus != nil && e.ResponseStatus.Code > 0 && e.ResponseStatus.Code < 400
}

// Final reports whether the event is the request's last word: the
// ResponseComplete or Panic stage. The other stages of the same request
// repeat it and would alert twice.
func (e *Event) Final() bool { return e.Stage == "ResponseComplete" || e.Stage == "Panic" }

// Is reports whether the request is about resource (and subresource, ""
// for none) in apiGroup ("" for the core group).
func (e *Event) Is(apiGroup, resource, subresource string) bool {
	r := e.ObjectRef
	return r != nil && r.APIGroup == apiGroup && r.Resource == resource && r.Subresource == subresource
}

// VerbIn reports whether the request's verb is one of verbs.
func (e *Event) VerbIn(verbs ...string) bool {
	for _, v := range verbs {
		if e.Verb == v {
			return true
		}
	}
	return false
}

// Object is the request's target as a person reads it:
// resource[/subresource] namespace/name, or the request URI when the
// request is not about an object (a non-resource URL).
func (e *Event) Object() string {
	r := e.ObjectRef
	if r == nil {
		return e.RequestURI
	}
	var b strings.Builder
	if r.APIGroup != "" {
		b.WriteString(r.APIGroup + "/")
	}
	b.WriteString(r.Resource)
	if r.Subresource != "" {
		b.WriteString("/" + r.Subresource)
	}
	if r.Namespace != "" || r.Name != "" {
		b.WriteString(" ")
		if r.Namespace != "" {
			b.WriteString(r.Namespace + "/")
		}
		b.WriteString(r.Name)
	}
	return b.String()
}

// InGroup reports whether u is a member of group.
func (u *UserInfo) InGroup(group string) bool {
	for _, g := range u.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// ServiceAccount splits system:serviceaccount:NS:NAME; ok is false for
// any other user.
func (u *UserInfo) ServiceAccount() (namespace, name string, ok bool) {
	rest, found := strings.CutPrefix(u.Username, "system:serviceaccount:")
	if !found {
		return "", "", false
	}
	namespace, name, ok = strings.Cut(rest, ":")
	return namespace, name, ok && namespace != "" && name != "" && !strings.Contains(name, ":")
}

// Decode reads raw, an event's requestObject or responseObject, as the
// manifest loader reads a JSON document: into inventory objects the
// checks judge, located at the event. Nil, nil when raw is empty (the
// audit policy logged the request at level Metadata).
func (e *Event) Decode(raw json.RawMessage) ([]*inventory.Object, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	p := manifest.Parse("audit event "+e.AuditID, raw, manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		return nil, fmt.Errorf("%s", p.Errors[0].Msg)
	}
	return p.Objects, nil
}
