package acr

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-017 (catalog AKS-A17) reads the registry's cache rules
// (registries/cacheRules): each pulls an upstream repository into the
// registry on demand and is reported for review.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-017", Title: "Artifact cache rule pulls from an upstream registry", Severity: finding.SeverityInfo,
			Description: "A cache rule makes upstream images (Docker Hub, GHCR, ...) available under your registry's name without a build, scan or signature of yours: trust in your registry then extends to whatever the upstream serves.",
			Remediation: "Review each rule; keep only upstreams you trust, pin consumers by digest, and scan cached repositories like your own. Deny rule creation with the Azure Policy definition where caching is not wanted; then exclude this check.",
			Controls:    check.Controls{Practice: "registry"},
		},
		Reads: []string{aksmodel.GapCacheRules},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			for _, c := range g.CacheRules {
				r.Fail(c.Path.Child("properties", "sourceRepository"), c.Source, "registry %s caches %s through rule %s", g.Name, c.Source, c.Name)
			}
		},
	})
}
