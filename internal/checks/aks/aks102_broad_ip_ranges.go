package aks

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-102 reads properties.apiServerAccessProfile.authorizedIPRanges and
// flags entries that admit too much: 0.0.0.0/0 or ::/0, and prefixes
// shorter than Env.MinPrefixIPv4 (default /16) or Env.MinPrefixIPv6
// (default /48). A bare address counts as /32 (/128). Entries that are
// not addresses or CIDR ranges are flagged too: the API rejects them, and
// in a template they hide what was meant. Peers stop at "non-empty".

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-102", Title: "Authorized IP range too broad", Severity: finding.SeverityHigh,
			Description: "Authorized IP ranges only protect the API server when they are narrow. 0.0.0.0/0, or a prefix covering a whole provider or cloud region, admits attackers on the same networks and gives false comfort in reviews.",
			Remediation: "List only your egress addresses and VPN or build-agent ranges, as narrow as possible (/32 for single addresses). Prefixes shorter than /16 (IPv4) or /48 (IPv6) are reported; a policy setting will make the limit configurable.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, CIS: []string{"5.4.1"}, Practice: "cluster-api-access"},
			Attack:      check.AttackExposed,
		},
		Reads: []string{"properties.apiServerAccessProfile.authorizedIPRanges"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			a := c.P().APIServerAccessProfile
			if a == nil {
				return
			}
			min4, min6 := aksmodel.DefaultMinPrefixIPv4, aksmodel.DefaultMinPrefixIPv6
			if c.Env != nil && c.Env.MinPrefixIPv4 > 0 {
				min4 = c.Env.MinPrefixIPv4
			}
			if c.Env != nil && c.Env.MinPrefixIPv6 > 0 {
				min6 = c.Env.MinPrefixIPv6
			}
			for i, s := range a.AuthorizedIPRanges {
				if s == nil {
					continue
				}
				raw := strings.TrimSpace(*s)
				path := c.Field("apiServerAccessProfile", "authorizedIPRanges").Index(i)
				p, ok := parseRange(raw)
				switch {
				case !ok:
					r.Fail(path, raw, "authorized IP range %q is not an IP address or CIDR range", raw)
				case p.Bits() == 0:
					r.Fail(path, raw, "authorized IP range %s admits every address", raw)
				case p.Addr().Is4() && p.Bits() < min4:
					r.Fail(path, raw, "authorized IP range %s covers %s addresses (prefix shorter than /%d)", raw, addresses(p), min4)
				case p.Addr().Is6() && p.Bits() < min6:
					r.Fail(path, raw, "authorized IP range %s is shorter than /%d", raw, min6)
				}
			}
		},
	})
}

func parseRange(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

func addresses(p netip.Prefix) string {
	n := uint64(1) << (32 - p.Bits())
	switch {
	case n >= 1<<30:
		return strconv.FormatUint(n>>30, 10) + "G"
	case n >= 1<<20:
		return strconv.FormatUint(n>>20, 10) + "M"
	case n >= 1<<10:
		return strconv.FormatUint(n>>10, 10) + "K"
	}
	return strconv.FormatUint(n, 10)
}
