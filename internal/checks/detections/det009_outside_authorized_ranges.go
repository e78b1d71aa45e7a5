package detections

import (
	"net/netip"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-009 runs when the AKS cluster's configuration is given (bulwark
// detect --aks) and it sets authorized IP ranges. It fires on an allowed
// request whose client address (the first of sourceIPs) is a public
// address outside every range. Private, loopback and link-local clients
// are the cluster's own traffic (nodes, pods, konnectivity), which the
// ranges do not govern.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-009", Title: "API request from outside the authorized IP ranges", Severity: finding.SeverityHigh, Area: area,
			Description: "An allowed request reached the API server from a public address outside the cluster's authorized IP ranges (apiServerAccessProfile.authorizedIPRanges). Either the ranges were widened or bypassed, or the event comes through a path that should not exist; the credentials used are in hands outside the expected networks.",
			Remediation: "Check the client address and the actor; if unexpected, revoke the actor's credentials (az aks get-credentials tokens, Entra ID sessions) and review the ranges (AKS-101, AKS-102). Needs the cluster's configuration: bulwark detect --aks cluster.json.",
			Controls:    threat([]string{"NS-2", "IM-7"}, "T1133", "T1078"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(ctx *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if len(ctx.AuthorizedIPRanges) == 0 || !ev.Final() || len(ev.SourceIPs) == 0 || !ev.Allowed() {
				return
			}
			ip, err := netip.ParseAddr(ev.SourceIPs[0])
			if err != nil {
				return
			}
			ip = ip.Unmap()
			if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
				return
			}
			for _, p := range ctx.AuthorizedIPRanges {
				if p.Contains(ip) {
					return
				}
			}
			r.Fire("%s reached the API server from %s, outside the authorized IP ranges (%s %s)", ev.Actor().Username, ip, ev.Verb, ev.Object())
		},
	})
}
