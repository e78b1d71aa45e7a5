package rbacmodel

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Well-known groups and users the API server assigns.
const (
	GroupAuthenticated   = "system:authenticated"
	GroupUnauthenticated = "system:unauthenticated"
	GroupServiceAccounts = "system:serviceaccounts"
	GroupMasters         = "system:masters"
	UserAnonymous        = "system:anonymous"

	saUserPrefix  = "system:serviceaccount:"
	saGroupPrefix = "system:serviceaccounts:"
)

// Subject is who a request is made by: a user, a group or a service
// account. Namespace is set only for service accounts.
type Subject struct {
	Kind      string // rbacv1.UserKind, rbacv1.GroupKind or rbacv1.ServiceAccountKind
	Namespace string
	Name      string
}

// ServiceAccount returns the subject of a service account.
func ServiceAccount(namespace, name string) Subject {
	return Subject{Kind: rbacv1.ServiceAccountKind, Namespace: namespace, Name: name}
}

// User returns the subject of a user. A service account's user name
// (system:serviceaccount:NS:NAME) becomes that service account.
func User(name string) Subject {
	if rest, ok := strings.CutPrefix(name, saUserPrefix); ok {
		if ns, n, ok := strings.Cut(rest, ":"); ok && ns != "" && n != "" && !strings.Contains(n, ":") {
			return ServiceAccount(ns, n)
		}
	}
	return Subject{Kind: rbacv1.UserKind, Name: name}
}

// Group returns the subject of a group.
func Group(name string) Subject { return Subject{Kind: rbacv1.GroupKind, Name: name} }

// ParseSubject reads the forms the CLI accepts: serviceaccount:NS:NAME
// (also sa:NS:NAME), user:NAME and group:NAME. Kind names are
// case-insensitive; user and group names keep their colons
// (group:system:authenticated).
func ParseSubject(s string) (Subject, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return Subject{}, fmt.Errorf("subject %q: want serviceaccount:NAMESPACE:NAME, user:NAME or group:NAME", s)
	}
	switch strings.ToLower(kind) {
	case "serviceaccount", "sa":
		ns, name, ok := strings.Cut(rest, ":")
		if !ok || ns == "" || name == "" || strings.Contains(name, ":") {
			return Subject{}, fmt.Errorf("subject %q: want serviceaccount:NAMESPACE:NAME", s)
		}
		return ServiceAccount(ns, name), nil
	case "user":
		return User(rest), nil
	case "group":
		return Group(rest), nil
	}
	return Subject{}, fmt.Errorf("subject %q: unknown kind %q (want serviceaccount, user or group)", s, kind)
}

// FromRBAC converts a binding's subject. A service account without a
// namespace takes the binding's, as the authorizer does.
func FromRBAC(s rbacv1.Subject, bindingNamespace string) Subject {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return ServiceAccount(ns, s.Name)
	case rbacv1.UserKind:
		return User(s.Name)
	case rbacv1.GroupKind:
		return Group(s.Name)
	}
	return Subject{Kind: s.Kind, Name: s.Name}
}

// String names the subject in messages: "ServiceAccount pets/default",
// "User alice", "Group devs".
func (s Subject) String() string {
	if s.Kind == rbacv1.ServiceAccountKind {
		return s.Kind + " " + nsName(s.Namespace, s.Name)
	}
	return s.Kind + " " + s.Name
}

// UserName is the name the API server authenticates the subject as (empty
// for groups).
func (s Subject) UserName() string {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return saUserPrefix + s.Namespace + ":" + s.Name
	case rbacv1.UserKind:
		return s.Name
	}
	return ""
}

// Groups are the groups the API server puts the subject in on its own: for
// a service account its two service-account groups and
// system:authenticated; for a user system:authenticated (system:anonymous
// gets system:unauthenticated instead). A group is only itself. Groups a
// user gets from its identity provider are not known here.
func (s Subject) Groups() []string {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return []string{GroupServiceAccounts, saGroupPrefix + s.Namespace, GroupAuthenticated}
	case rbacv1.UserKind:
		if s.Name == UserAnonymous {
			return []string{GroupUnauthenticated}
		}
		return []string{GroupAuthenticated}
	}
	return nil
}

// key identifies a subject in the model's index.
type key struct{ kind, ns, name string }

func (s Subject) key() key { return key{s.Kind, s.Namespace, s.Name} }

// identities are the index keys whose grants apply to s: itself and its
// groups, plus extra groups (for users the caller knows more about).
func (s Subject) identities(extraGroups []string) []key {
	out := []key{s.key()}
	for _, g := range append(s.Groups(), extraGroups...) {
		if g != s.Name || s.Kind != rbacv1.GroupKind {
			out = append(out, Group(g).key())
		}
	}
	return out
}

func nsName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}
