package workload

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-032 reads spec.hostAliases and reports each entry.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-032", Title: "hostAliases set", Severity: finding.SeverityLow, Area: "pod-security",
			Description: "hostAliases writes entries into the pod's /etc/hosts, which take precedence over DNS. They can point a well-known name (an API, a registry, " +
				"login.microsoftonline.com, a database) at another address, silently redirecting the pod's traffic and credentials, and they hide the mapping from DNS-based " +
				"monitoring and network policy reviews. They also go stale when the real address changes.",
			Remediation: "Remove spec.hostAliases and resolve names through DNS: a Service (ExternalName or one with manual Endpoints/EndpointSlices) or an Azure Private DNS zone " +
				"linked to the cluster's virtual network. For example:\n\n" +
				"    apiVersion: v1\n    kind: Service\n    metadata:\n      name: legacy-db\n    spec:\n      type: ExternalName\n      externalName: db.internal.example.com",
			Controls: check.Controls{ASB: []string{"NS-1"}, Practice: "network"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalHostAliases,
	})
}

func evalHostAliases(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for i, a := range ps.Spec.HostAliases {
		names := strings.Join(a.Hostnames, ", ")
		r.Fail(ps.SpecPath.Child("hostAliases").Index(i), a.IP+" "+strings.Join(a.Hostnames, " "),
			"hostAliases maps %s to %s in every container's /etc/hosts", names, a.IP)
	}
}
