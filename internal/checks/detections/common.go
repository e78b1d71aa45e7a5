package detections

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// audited are the kinds of a detection: audit events.
var audited = []string{"Event"}

// decisionAnnotation is the authorizer's verdict the API server records on
// every event of level Metadata and above.
const decisionAnnotation = "authorization.k8s.io/decision"

// authorized reports whether the request got past authorization, whatever
// happened next: an exec the kubelet then failed still ran with the
// right to exec. Without the annotation the response code decides.
func authorized(ev *audit.Event) bool {
	if d, ok := ev.Annotations[decisionAnnotation]; ok {
		return d == "allow"
	}
	return ev.Allowed()
}

// system reports whether u is one of the cluster's own identities: a
// control-plane component, a node, a ServiceAccount of kube-system, AKS's
// own (aksService, masterclient, the CSI and cloud-node components all
// authenticate as system:… users or kube-system ServiceAccounts).
func system(u *audit.UserInfo) bool {
	if ns, _, ok := u.ServiceAccount(); ok {
		return ns == "kube-system"
	}
	return strings.HasPrefix(u.Username, "system:") && !anonymous(u) || u.InGroup("system:nodes")
}

// anonymous reports whether the request was not authenticated.
func anonymous(u *audit.UserInfo) bool {
	return u.Username == "system:anonymous" || u.InGroup("system:unauthenticated")
}

// changes are the verbs that write.
var changes = []string{"create", "update", "patch", "delete", "deletecollection"}
