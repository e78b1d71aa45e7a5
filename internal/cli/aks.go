package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newScanAKS(s *streams) *cobra.Command {
	var (
		out   outputFlags
		flags scanFlags
		live  scan.AKSConfig
	)
	cmd := &cobra.Command{
		Use:   "aks [PATH...]",
		Short: "Scan the Azure side of AKS clusters and registries, from files or live",
		Long: `Scan AKS managed clusters and Azure Container Registries: API server access, Entra ID
and RBAC, local accounts, workload identity, network policy, encryption (KMS, host,
disks), versions and upgrades, every node pool, diagnostic logs, Defender and the
Azure Policy add-on.

Files and directories (searched recursively for .json) are read whatever their format,
detected from their content:

  az aks show / az acr show / az ... list output  (and ARM GET JSON, Resource Graph rows)
  ARM deployment templates, Bicep compiled with 'az bicep build'
  Terraform plans: terraform show -json plan.out (azurerm v3 and v4)
  Terraform source: .tf files (a directory's root modules, or the module of a
    named .tf file), with terraform.tfvars, *.auto.tfvars, --var-file and --var

Related documents complete a cluster when given beside it: az monitor
diagnostic-settings list, az aks nodepool list, az aks maintenanceconfiguration list,
az role assignment list. Template parameters take their defaults, or the values in
--parameters files; what cannot be known before deployment (a Terraform value known
only after apply, a data source, a module from a registry) is reported as not
assessed, never as passed. A plan is the most exact Terraform input; the source
needs no credentials. In a directory holding both, the plan is read.

Live: --subscription (with --resource-group and --name to narrow it) reads clusters
through the Azure SDK with DefaultAzureCredential (az login, environment, workload or
managed identity), with their diagnostic settings, maintenance configurations, the
role assignments of the kubelet identity and on each registry, and the Kubernetes
versions their region offers. Reader on the subscription is enough.

Kubernetes versions are judged on the date of --as-of (default today) with the
calendar built into bulwark; the report warns when that calendar is more than 90
days old. Findings are subject to the policy file like any scan: exceptions select
clusters and registries with resources.armId (a glob on the ARM id, or the name
when the input has no id) and resources.labels (Azure tags).`,
		Example: `  az aks show -g rg-prod -n aks-prod -o json > aks.json && bulwark scan aks aks.json
  bulwark scan aks infra/main.json --parameters infra/main.parameters.json
  terraform show -json tfplan > plan.json && bulwark scan aks plan.json --format sarif -o aks.sarif
  bulwark scan aks ./infra --var-file prod.tfvars --var environment=prod
  bulwark scan aks --subscription 00000000-0000-0000-0000-000000000000 --resource-group rg-prod
  bulwark checks list --area aks`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			switch {
			case live.Subscription != "" && len(args) > 0:
				return usageError("give files or --subscription, not both")
			case live.Subscription == "" && len(args) == 0:
				return usageError("give files or directories to scan, or --subscription to scan live")
			case live.Subscription == "" && (live.ResourceGroup != "" || live.Name != ""):
				return usageError("--resource-group and --name need --subscription")
			case live.Name != "" && live.ResourceGroup == "":
				return usageError("--name needs --resource-group")
			case live.Subscription != "" && len(live.Parameters) > 0:
				return usageError("--parameters applies to templates, not to live scans")
			case live.Subscription != "" && len(live.Vars)+len(live.VarFiles) > 0:
				return usageError("--var and --var-file apply to Terraform source, not to live scans")
			}
			opt, _, err := flags.options(cmd, s, false)
			if err != nil {
				return err
			}
			live.Paths = args
			aopt, err := scan.NewAKSOptions(opt, live)
			if err != nil {
				return inputError(err)
			}
			rep, err := scan.AKS(context.Background(), aopt)
			if err != nil {
				return usageError("%s", printable(err.Error()))
			}
			// Files that hold no cluster and no registry are a wrong path or a
			// format we do not read: never a pass.
			if aopt.Live == nil && rep.Inventory.Objects == 0 && len(rep.Errors) == 0 {
				return &exitError{code: report.ExitError, err: fmt.Errorf("no AKS cluster or container registry found in %s (read: az/ARM JSON, ARM templates and compiled Bicep, Terraform plan or state JSON, Terraform .tf source)", printable(strings.Join(args, ", ")))}
			}
			return finish(s, &out, rep)
		},
	}
	out.add(cmd)
	flags.add(cmd)
	// Pod Security Standards do not apply to the Azure side.
	_ = cmd.Flags().MarkHidden("pss-level")
	_ = cmd.Flags().MarkHidden("pss-version")
	f := cmd.Flags()
	f.StringVar(&live.Subscription, "subscription", "", "scan live: the subscription id")
	f.StringVar(&live.ResourceGroup, "resource-group", "", "scan live: only this resource group")
	f.StringVar(&live.Name, "name", "", "scan live: only this cluster (needs --resource-group)")
	f.StringArrayVar(&live.Parameters, "parameters", nil, "ARM deployment parameters file for templates (repeatable; later files win)")
	f.StringArrayVar(&live.Vars, "var", nil, "Terraform source: a root module variable, name=value (repeatable; wins over --var-file)")
	f.StringArrayVar(&live.VarFiles, "var-file", nil, "Terraform source: a .tfvars file (repeatable; later files win)")
	return cmd
}
