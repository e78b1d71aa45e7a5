package workload

import (
	"strconv"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-031 reads ports[*].containerPort of every container (init, regular
// and ephemeral) and reports ports below 1024.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-031", Title: "Container port below 1024", Severity: finding.SeverityLow, Area: "pod-security",
			Description: "Ports below 1024 are privileged: binding one traditionally needs root or the NET_BIND_SERVICE capability, so an image that listens on 80 or 443 " +
				"is usually built to start as root or to keep an extra capability. That undoes runAsNonRoot and drop: [\"ALL\"] and gives an attacker who gets code execution more to work with. " +
				"The port a client sees is set by the Service, so the container does not need it.",
			Remediation: "Make the application listen on a port of 1024 or above and map the public port in the Service:\n\n" +
				"    # container\n    ports:\n    - containerPort: 8080\n" +
				"    # Service\n    ports:\n    - port: 80\n      targetPort: 8080",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.7.2"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalPrivilegedPort,
	})
}

func evalPrivilegedPort(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		for i, p := range c.Ports {
			if p.ContainerPort > 0 && p.ContainerPort < 1024 {
				r.Fail(c.Path.Child("ports").Index(i).Child("containerPort"), strconv.Itoa(int(p.ContainerPort)),
					"%s listens on privileged port %d", containerRef(c), p.ContainerPort)
			}
		}
	}
}
