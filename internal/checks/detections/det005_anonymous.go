package detections

import (
	"slices"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-005 fires on an allowed request by system:anonymous or a member of
// system:unauthenticated, except the discovery and health URLs the
// built-in role system:public-info-viewer opens to everyone.

// publicURLs are the non-resource paths anonymous requests may read on
// every cluster (system:public-info-viewer, the OIDC discovery role).
var publicURLs = []string{"/healthz", "/livez", "/readyz", "/version", "/version/", "/.well-known/openid-configuration", "/openid/v1/jwks"}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-005", Title: "Anonymous request allowed", Severity: finding.SeverityHigh, Area: area,
			Description: "The API server let an unauthenticated request (user system:anonymous, group system:unauthenticated) through to something other than the health and discovery URLs. Some binding grants anonymous users rights (K8S-111): anyone who reaches the API server can use them, and scanners on the internet do.",
			Remediation: "Remove the bindings that name system:anonymous or system:unauthenticated (K8S-111); restrict who reaches the API server (AKS-101 authorized IP ranges, AKS-103 private cluster).",
			Controls:    threat([]string{"IM-1", "PA-7"}, "T1078.001"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if !ev.Final() || !anonymous(&ev.User) || !authorized(ev) || !ev.Allowed() {
				return
			}
			if ev.ObjectRef == nil && slices.Contains(publicURLs, pathOf(ev.RequestURI)) {
				return
			}
			r.Fire("anonymous request allowed: %s %s", ev.Verb, ev.Object())
		},
	})
}

// pathOf drops the query of a request URI.
func pathOf(uri string) string {
	for i := range len(uri) {
		if uri[i] == '?' {
			return uri[:i]
		}
	}
	return uri
}
