package network

import "github.com/bulwark-sec/bulwark/internal/analysis/netpol"

// notEnforced is the clause the checks add when no engine enforces
// policies.
func notEnforced(m *netpol.Model) string {
	return "the cluster's network policy engine is " + m.Engine + ", so no NetworkPolicy is enforced"
}

// judged reports whether a pod is one the checks judge.
func judged(p *netpol.Pod) bool { return !p.HostNetwork && !netpol.IsSystemNamespace(p.Namespace) }
