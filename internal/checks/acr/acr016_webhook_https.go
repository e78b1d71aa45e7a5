package acr

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-016 (catalog AKS-A16) reads properties.serviceUri of the registry's
// webhooks: notifications should go over HTTPS. The URI is hidden in ARM
// GET responses (it can carry credentials); templates and plans show it.
// Only the scheme and host are printed.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-016", Title: "Registry webhook over plain HTTP", Severity: finding.SeverityLow,
			Description: "Webhook calls carry repository and tag names and often credentials in custom headers or the URL; over HTTP they can be read and forged on the way, triggering deployments of an attacker's choice.",
			Remediation: "Use an https:// service URI for every webhook (az acr webhook update --uri https://...; Terraform: service_uri).",
			Controls:    check.Controls{ASB: []string{"DP-3"}, Practice: "registry"},
		},
		Reads: []string{aksmodel.GapWebhooks},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			for _, w := range g.Webhooks {
				u := strings.TrimSpace(w.ServiceURI)
				if u == "" || strings.HasPrefix(strings.ToLower(u), "https://") {
					continue
				}
				r.Fail(w.Path.Child("properties", "serviceUri"), hostOnly(u), "webhook %s of registry %s calls %s without TLS", w.Name, g.Name, hostOnly(u))
			}
		},
	})
}

// hostOnly keeps scheme and host: the path and query may hold tokens.
func hostOnly(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		rest, scheme = u, ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if scheme == "" {
		return rest
	}
	return scheme + "://" + rest
}
