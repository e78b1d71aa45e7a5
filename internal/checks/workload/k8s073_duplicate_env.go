package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-073 reads env[*].name of every container (init, regular and
// ephemeral) and reports each entry that repeats an earlier name in the same
// container. Names are compared exactly (environment variables are case
// sensitive). Keys that envFrom brings in are not known from the manifest
// and are not compared.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-073", Title: "Duplicate environment variable", Severity: finding.SeverityLow, Area: "secrets",
			Description: "When a container lists the same env name twice, the last entry silently wins. A reviewer who reads the first entry (a secretKeyRef, a hardened setting such as TLS_VERIFY=true) approves a value the container never sees; " +
				"strategic-merge patches, Helm overrides and kustomize patches also pick one entry or the other unpredictably, so a later edit can undo a security setting without showing in the diff.",
			Remediation: "Keep exactly one entry per name and delete the others:\n\n" +
				"    env:\n    - name: TLS_VERIFY\n      value: \"true\"",
			Controls: check.Controls{ASB: []string{"PV-4"}, Practice: "data-protection"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalDuplicateEnv,
	})
}

func evalDuplicateEnv(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		first := map[string]int{}
		for i, e := range c.Env {
			j, seen := first[e.Name]
			if !seen {
				first[e.Name] = i
				continue
			}
			r.Fail(c.Path.Child("env").Index(i).Child("name"), e.Name,
				"%s defines env var %q again at env[%d] (first at env[%d]); the last definition silently wins", containerRef(c), e.Name, i, j)
		}
	}
}
