package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-071 reads env[*].valueFrom.secretKeyRef and envFrom[*].secretRef of
// every container (init, regular and ephemeral): each is a Secret handed to
// the process as environment variables rather than as a mounted file.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-071", Title: "Secret consumed through an environment variable", Severity: finding.SeverityLow, Area: "secrets",
			Description: "Environment variables leak more easily than files: they are inherited by every child process, printed by crash handlers, debug endpoints and `env` in support sessions, readable from /proc/<pid>/environ by processes of the same user, and often captured in logs and APM telemetry. " +
				"They are also fixed at container start, so a rotated secret needs a restart. A mounted Secret (or a Key Vault secret through the Secrets Store CSI driver) can be read-only, scoped to one container and is refreshed in place.",
			Remediation: "Mount the Secret as a file and let the application read it (many images accept a *_FILE variable):\n\n" +
				"    volumes:\n    - name: db-credentials\n      secret:\n        secretName: db-credentials\n        defaultMode: 0400\n" +
				"    containers:\n    - name: app\n      env:\n      - name: DB_PASSWORD_FILE\n        value: /var/run/secrets/db/password\n" +
				"      volumeMounts:\n      - name: db-credentials\n        mountPath: /var/run/secrets/db\n        readOnly: true\n\n" +
				"On AKS, prefer a SecretProviderClass from Azure Key Vault mounted with the Secrets Store CSI driver, or Workload ID so that no secret is needed.",
			Controls: check.Controls{ASB: []string{"IM-8"}, CIS: []string{"4.5.1"}, Practice: "data-protection"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalSecretInEnv,
	})
}

func evalSecretInEnv(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		for i, e := range c.Env {
			if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
				continue
			}
			ref := e.ValueFrom.SecretKeyRef
			r.Fail(c.Path.Child("env").Index(i).Child("valueFrom", "secretKeyRef"), ref.Name+"/"+ref.Key,
				"%s reads key %q of Secret %q into env var %q", containerRef(c), ref.Key, ref.Name, e.Name)
		}
		for i, ef := range c.EnvFrom {
			if ef.SecretRef == nil {
				continue
			}
			r.Fail(c.Path.Child("envFrom").Index(i).Child("secretRef"), ef.SecretRef.Name,
				"%s loads every key of Secret %q into environment variables", containerRef(c), ef.SecretRef.Name)
		}
	}
}
