package workload

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-009 reads spec.volumes[*].hostPath.path (and, to name them in the
// message, the containers' volumeMounts[*].name). It flags node paths that
// hold Azure credentials: /etc/kubernetes and its azure.json, any .azure
// directory (the Azure CLI's token cache), /var/lib/waagent, and on
// Windows nodes C:\k and C:\k\azure.json.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-009", Title: "Cloud credential path mounted", Severity: finding.SeverityCritical, Area: "host",
			Description: "/etc/kubernetes/azure.json (C:\\k\\azure.json on Windows nodes) is the Azure cloud provider configuration every AKS node carries: " +
				"it holds the tenant and subscription ids and either the cluster service principal's client id and secret or the client id of the kubelet managed identity. " +
				"A pod that reads it can sign in to Azure as the cluster's service principal, or, with the node's identity, get tokens from the instance metadata service, " +
				"and act on the node resource group, the virtual network and any registry or Key Vault that identity can reach: a container compromise becomes a cloud compromise. " +
				"The rest of /etc/kubernetes holds the kubelet's client certificates, ~/.azure holds Azure CLI tokens, and /var/lib/waagent holds the VM agent's provisioning data and extension settings.",
			Remediation: "Remove the hostPath volume. Give the workload its own Azure identity with Microsoft Entra Workload ID (a ServiceAccount annotated with azure.workload.identity/client-id " +
				"and pods labelled azure.workload.identity/use: \"true\") instead of borrowing the node's:\n\n" +
				"    apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: app\n      annotations:\n        azure.workload.identity/client-id: <client-id>\n",
			Controls: check.Controls{ASB: []string{"IM-8", "PV-4"}, CIS: []string{"4.2"}, Practice: "identity-rbac"},
			Attack:   check.AttackCloudIdentity,
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalCloudCredentialPath,
	})
}

func evalCloudCredentialPath(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for i, v := range ps.Spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		p, ok := cloudCredentialMatch(v.HostPath.Path)
		if !ok {
			continue
		}
		r.Fail(ps.SpecPath.Child("volumes").Index(i).Child("hostPath", "path"), p,
			"volume %q mounts host path %s, which holds the node's Azure credentials%s", v.Name, p, mountedByText(ps, v.Name))
	}
}

var windowsDrive = regexp.MustCompile(`^[A-Za-z]:[\\/]`)

// cloudCredentialMatch returns the cleaned host path and whether it holds
// Azure credentials. Besides isCloudCredentialPath it knows the Windows
// node layout and .azure directories in any home directory.
func cloudCredentialMatch(raw string) (string, bool) {
	if windowsDrive.MatchString(raw) {
		p := path.Clean("/" + strings.ToLower(strings.ReplaceAll(raw[2:], `\`, "/")))
		return raw, p == "/k" || p == "/k/azure.json"
	}
	p := path.Clean("/" + raw)
	if isCloudCredentialPath(p) || slices.Contains(strings.Split(p, "/"), ".azure") {
		return p, true
	}
	return p, false
}
