package workload

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-132 reads the kind and metadata.ownerReferences of Pods and reports
// a Pod that no controller owns.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-132", Title: "Naked pod (no controller)", Severity: finding.SeverityLow, Area: "namespaces",
			Description: "A Pod created directly is not recreated when its node fails, is drained for an upgrade or is scaled in: it simply disappears, so node image and " +
				"Kubernetes upgrades get postponed to keep it alive. It cannot be rolled out or rolled back, so a patched image means deleting it by hand. Stray hand-made pods " +
				"are also a common sign of debugging leftovers or of an attacker's foothold.",
			Remediation: "Run the pod from a controller: a Deployment (or StatefulSet/DaemonSet) for services, a Job or CronJob for batch work. Move the pod spec under spec.template:\n\n" +
				"    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      replicas: 2\n      selector:\n        matchLabels: {app: web}\n" +
				"      template:\n        metadata:\n          labels: {app: web}\n        spec:\n          containers:\n          - name: web\n            image: myregistry.azurecr.io/web:1.2.3",
			Controls: check.Controls{ASB: []string{"PV-4"}, Practice: "node-upgrades"},
			Kinds:    []string{"Pod"},
			Sources:  check.ObjectSources,
		},
		Eval: evalNakedPod,
	})
}

func evalNakedPod(_ *check.Context, obj *inventory.Object, r *check.Report) {
	if len(obj.Meta.OwnerReferences) == 0 {
		r.Fail(field.NewPath("metadata", "ownerReferences"), "Pod", "Pod %q has no owner: no controller recreates it when its node is drained or fails", obj.Meta.Name)
	}
}
