package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newScan(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Scan manifests, a live cluster, an AKS cluster's Azure configuration or container images",
	}
	cmd.AddCommand(newScanManifests(s), newScanCluster(s), newScanAKS(s), newScanImage(s))
	return cmd
}

// scanFlags are the inputs of a manifest scan, shared by `scan manifests`
// and `baseline update` so that both see exactly the same findings.
type scanFlags struct {
	failOn       string
	pssLevel     string
	pssVersion   string
	pssEnforce   string
	excludes     []string
	policyFile   string
	baselineFile string
	newOnly      bool
	asOf         string
	onlyChecks   []string
	skipChecks   []string
	maxFileSize  int64
	allowEmpty   bool
	render       scan.RenderFlags
}

func (f *scanFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.failOn, "fail-on", "high", "lowest severity that fails the run: "+strings.Join(scan.SeverityNames(), ", ")+" or none (default: the policy's failOn, else high)")
	fs.StringVar(&f.pssLevel, "pss-level", "restricted", "Pod Security Standards level: privileged, baseline or restricted")
	fs.StringVar(&f.pssVersion, "pss-version", "latest", `Pod Security Standards version, e.g. v1.30 or "latest"`)
	fs.StringArrayVar(&f.excludes, "exclude", nil, "skip files and directories matching this glob (** matches any depth); repeatable")
	fs.StringVar(&f.policyFile, "policy", "", "policy file (default: bulwark.yaml in the working directory or a parent, up to the repository root)")
	fs.StringVar(&f.baselineFile, "baseline", "", "baseline file (default: "+scan.BaselineFileName+" beside the policy file, or in the working directory)")
	fs.BoolVar(&f.newOnly, "new-only", false, "fail only on findings absent from the baseline")
	fs.SetAnnotation("fail-on", gateOnlyKey, []string{"it records every finding whatever its severity; the gate is the scan's: bulwark scan manifests --fail-on"})
	fs.SetAnnotation("new-only", gateOnlyKey, []string{"it records every finding, new or not; --new-only is for the scans that read the baseline it writes"})
	fs.StringVar(&f.asOf, "as-of", "", "judge grace periods and exception expiry as of this date, YYYY-MM-DD (default: today)")
	fs.StringSliceVar(&f.onlyChecks, "checks", nil, "run only these check ids (comma-separated)")
	fs.StringSliceVar(&f.skipChecks, "skip-checks", nil, "do not run these check ids (comma-separated)")
	fs.Int64Var(&f.maxFileSize, "max-file-size", scan.DefaultMaxFileSize, "largest input file read, in bytes")
	fs.BoolVar(&f.allowEmpty, "allow-empty", false, "accept input that holds no Kubernetes object (default: exit 2, since nothing was checked)")
}

// addRender adds the flags of the inputs rendered before they are read:
// Helm charts (`helm template`'s flags). Only commands that read manifest
// paths take them.
func (f *scanFlags) addRender(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringArrayVar(&f.render.ValueFiles, "values", nil, "Helm charts: values file (repeatable; later files win)")
	fs.StringArrayVar(&f.render.Set, "set", nil, "Helm charts: set a value, key=value as helm --set (repeatable)")
	fs.StringVar(&f.render.ReleaseName, "release-name", "release-name", "Helm charts: release name")
	fs.StringVar(&f.render.Namespace, "namespace", "default", "Helm charts: release namespace")
	fs.StringVar(&f.render.KubeVersion, "kube-version", "", "Helm charts: Kubernetes version for Capabilities.KubeVersion (default: Helm's)")
}

// options merges the flags with the policy and the baseline (see
// scan.NewOptions). Errors are usage or input errors (exit 2).
//
// It also returns the baseline path in effect, which `baseline update`
// writes even when it does not exist yet.
func (f *scanFlags) options(cmd *cobra.Command, s *streams, needBaseline bool) (scan.Options, string, error) {
	opt, path, err := scan.NewOptions(f.flags(cmd, s, needBaseline))
	if err != nil {
		return opt, "", inputError(err)
	}
	return opt, path, nil
}

// flags are the values as scan.NewOptions takes them.
func (f *scanFlags) flags(cmd *cobra.Command, s *streams, needBaseline bool) scan.Flags {
	return scan.Flags{
		FailOn: f.failOn, FailOnSet: cmd.Flags().Changed("fail-on"),
		PSSLevel: f.pssLevel, PSSVersion: f.pssVersion, PSSEnforce: f.pssEnforce,
		Excludes: f.excludes, PolicyFile: f.policyFile, BaselineFile: f.baselineFile,
		NeedBaseline: needBaseline, NewOnly: f.newOnly, AsOf: f.asOf,
		OnlyChecks: f.onlyChecks, SkipChecks: f.skipChecks,
		MaxFileSize: f.maxFileSize, AllowEmpty: f.allowEmpty, Stdin: s.in,
		Render: f.render,
	}
}

func newScanManifests(s *streams) *cobra.Command {
	var (
		out        outputFlags
		flags      scanFlags
		img        imageFlags
		aksContext string
	)
	cmd := &cobra.Command{
		Use:   "manifests PATH...",
		Short: "Scan Kubernetes YAML/JSON files and directories",
		Long: `Scan Kubernetes manifests: files, directories (searched recursively for .yaml, .yml
and .json; hidden directories are skipped) or "-" for standard input. Files may hold
many documents and kind: List. Documents that are not Kubernetes objects are skipped
and counted.

A Helm chart named on the command line (a directory with Chart.yaml, or a packaged
.tgz) is rendered first, offline, as helm template would (--values, --set,
--release-name, --namespace, --kube-version; dependencies from charts/); findings
name the template file and, where the template's text shows it, its line. A
directory with kustomization.yaml is built as kustomize build would, from the local
disk only (a remote base is an error); findings name the base or overlay file the
object came from. A chart that does not render or a build that fails exits 2 with
Helm's or Kustomize's message. A render is stopped after 5 s or 256 MiB of memory.

The gate fails (exit 1) when a finding is at or above --fail-on, not waived by an
exception, and past its due date (first seen + the policy's grace period for its
severity; first seen comes from the baseline file). A file that cannot be read or
parsed is reported as file:line: problem, the other files are still scanned, and the
run exits 2 because its verdict is incomplete. Input with no Kubernetes object at all
(an empty file or directory, empty standard input from a failed command) also exits 2:
nothing was checked. Pass --allow-empty where that is expected. Only regular files
are read: a FIFO or device named on the command line is an error, one found in a
directory is skipped with a warning. A built-in kind under an apiVersion that never served
it (apiVersion: v1, kind: Deployment) is an input error, as the API server refuses it.
An unknown kind with a pod template at spec.template (Argo Rollout, OpenShift
DeploymentConfig) or spec.jobTemplate.spec.template is judged through it as a
Deployment or CronJob would be; any other unknown kind is listed as not assessed.

The policy file (bulwark.yaml, see docs/policy.md) sets the threshold, severity
overrides, checks, grace periods, exceptions and allowed registries; flags given
explicitly win over it.`,
		Example: `  bulwark scan manifests ./deploy
  bulwark scan manifests examples/insecure --format sarif --output bulwark.sarif
  bulwark scan manifests . --exclude '**/charts/**' --fail-on critical
  bulwark scan manifests ./deploy --new-only          # fail only on findings not in the baseline
  bulwark scan manifests ./deploy --as-of 2027-01-15  # what fails on that day?
  bulwark scan manifests ./chart --values prod.yaml --set image.tag=1.4.2
  bulwark scan manifests overlays/prod --pss-level baseline
  bulwark scan manifests ./deploy --images            # also scan the images the workloads use
  bulwark scan manifests ./deploy --aks aks.json      # judge NetworkPolicies by the cluster's policy engine`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			opt, _, err := flags.options(cmd, s, false)
			if err != nil {
				return err
			}
			ctx := context.Background()
			if aksContext != "" {
				if opt.Context, err = scan.LoadAKSContext(ctx, aksContext); err != nil {
					return inputError(err)
				}
			}
			var prog *imageProgress
			if img.enabled {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, img.timeout)
				defer cancel()
				if opt.Images, err = img.build(ctx, cmd, opt); err != nil {
					return err
				}
				prog = withProgress(s, opt.Images)
			} else if err := img.rejectWithoutImages(cmd); err != nil {
				return err
			}
			rep, err := scan.Manifests(ctx, args, opt)
			prog.done()
			img.note(rep)
			if err != nil {
				return usageError("%v", err)
			}
			return finish(s, &out, rep)
		},
	}
	out.add(cmd)
	flags.add(cmd)
	flags.addRender(cmd)
	cmd.Flags().StringVar(&flags.pssEnforce, "pss-enforce", "", "Pod Security level (LEVEL or LEVEL:VERSION) enforced in the namespaces the manifests deploy to that are not in the input; pods it rejects are one critical K8S-037 finding each")
	cmd.Flags().StringVar(&aksContext, "aks", "", "the AKS cluster the manifests deploy to (az aks show output, ARM JSON or template, Terraform plan): its network policy engine and IMDS setting decide what NetworkPolicies achieve")
	img.add(cmd, true)
	return cmd
}
