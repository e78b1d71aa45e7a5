package cli

import (
	"context"
	"fmt"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newAssess(s *streams) *cobra.Command {
	var (
		out   outputFlags
		flags scanFlags
		img   imageFlags
		aks   []string
		live  liveFlags
		az    azureFlags
	)
	cmd := &cobra.Command{
		Use:   "assess [MANIFEST-PATH... | --cluster] [--aks PATH | --subscription SUB ...]",
		Short: "Assess every layer in one run: the AKS cluster, its Kubernetes objects and their images, with attack paths",
		Long: `Assess an AKS cluster's Azure side (--aks: az aks show / az acr show output, ARM JSON,
templates, Terraform plans), the Kubernetes objects deployed to it (manifest files and
directories, or with --cluster the objects a running cluster holds) and, with --images,
the images they run, as one inventory: every check any of them feeds runs once, under
one policy, baseline and gate, into one report.

--cluster reads the cluster of the current kubeconfig context (--kubeconfig and
--context choose another and imply --cluster) as scan cluster does: list and get only,
Secrets' metadata never their data; a kind the credentials may not list leaves the
checks that needed it not assessed and the run exits 2. With --images-from-cache the
digests the pods run are judged by the scan records of the pipeline, pulling nothing.

The AKS cluster can be read live instead of from files: --subscription, --resource-group
and --name, with DefaultAzureCredential (az login, environment, workload or managed
identity), as scan aks --subscription does.

Fleet: --subscription (repeatable) with --all-clusters finds every AKS cluster of the
subscriptions (or of --resource-group) with Azure Resource Graph and assesses the Azure
side of each, --concurrency at a time, each read bounded by --timeout. The report joins
their findings and attack paths under one gate and lists every cluster with its verdict;
a cluster that cannot be read (403, gone since Resource Graph listed it, timed out) is
listed as not assessed with the reason, and the run exits 2: never a pass. --results-dir
also writes each assessed cluster's own JSON result. Reader on the subscriptions is enough.

Attack paths join the findings across the layers: from the internet (a public
LoadBalancer, NodePort or externalIPs Service, an Ingress, a public API server, a
registry open to all networks) through workloads (a fixable critical or high
vulnerability in their image, node takeover) and identities (the ServiceAccount token
and its RBAC, the kubelet identity reached through IMDS or azure.json, and its Azure
roles) to crown jewels: cluster-admin, Secrets, Key Vault, a registry, the node. Each
path lists its hops with the finding behind each, a score (1-100) and the hop to fix
first: the one on most paths. Findings on a path are listed first. The table shows the
paths, JSON carries them (attackPaths), SARIF as codeFlows.`,
		Example: `  bulwark assess examples/insecure --aks examples/aks/default --as-of 2026-11-26
  bulwark assess ./deploy --aks aks.json --images --format json -o result.json
  bulwark assess --context aks-prod --aks aks.json --images --images-from-cache
  bulwark assess --cluster --subscription $SUB --resource-group rg-prod --name aks-prod
  bulwark assess --subscription $SUB --all-clusters --concurrency 8 -f json -o fleet.json --results-dir clusters/
  bulwark report result.json -o report.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			live.enabled = live.enabled || live.kubeconfig != "" || live.context != ""
			if az.all {
				return assessFleet(cmd, s, &out, &flags, &live, &az, args, aks, img)
			}
			if err := az.validateOne(len(aks) > 0); err != nil {
				return err
			}
			switch {
			case len(args) == 0 && !live.enabled && len(aks) == 0 && len(az.subscriptions) == 0:
				return usageError("give manifests to assess (or --cluster) and the AKS cluster with --aks")
			case len(args) > 0 && live.enabled:
				return usageError("give manifests or --cluster, not both")
			case !live.enabled && (len(live.namespaces) > 0 || len(live.excludeNS) > 0):
				return usageError("--namespace and --exclude-namespace need --cluster")
			case live.timeout <= 0:
				return usageError("--timeout must be positive")
			}
			opt, _, err := flags.options(cmd, s, false)
			if err != nil {
				return err
			}
			var lc *scan.LiveCluster
			if live.enabled {
				if lc, err = scan.NewLiveCluster(live.config()); err != nil {
					return inputError(err)
				}
				lc.Timeout = live.timeout
				// client-go logs through klog to stderr; everything it
				// reports that matters comes back as an error.
				klog.SetLogger(logr.Discard())
			}
			aopt, err := scan.NewAKSOptions(opt, az.config(aks))
			if err != nil {
				return inputError(err)
			}
			ctx := context.Background()
			var prog *imageProgress
			if img.enabled {
				// Images are assessed after the cluster was read, which
				// --timeout bounds on its own.
				limit := img.timeout
				if lc != nil {
					limit += live.timeout
				}
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, limit)
				defer cancel()
				if opt.Images, err = img.build(ctx, cmd, opt); err != nil {
					return err
				}
				prog = withProgress(s, opt.Images)
			} else if err := img.rejectWithoutImages(cmd); err != nil {
				return err
			}
			rep, err := scan.Assess(ctx, scan.AssessOptions{Options: opt, Manifests: args, Live: lc, AKS: aopt})
			prog.done()
			img.note(rep)
			if err != nil {
				if lc != nil {
					return live.error("assess", lc.Config.Host, err)
				}
				return usageError("%s", printable(err.Error()))
			}
			return finish(s, &out, rep)
		},
	}
	out.add(cmd)
	flags.add(cmd)
	cmd.Flags().StringArrayVar(&aks, "aks", nil, "the AKS cluster and its registries: az/ARM JSON, templates, Terraform plans (file or directory; repeatable)")
	live.add(cmd, true)
	az.add(cmd)
	img.add(cmd, true)
	return cmd
}

// azureFlags choose AKS clusters to read from Azure: one, or every
// cluster of the subscriptions (--all-clusters).
type azureFlags struct {
	subscriptions       []string
	resourceGroup, name string
	all                 bool
	concurrency         int
	resultsDir          string
}

func (f *azureFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringArrayVar(&f.subscriptions, "subscription", nil, "read the AKS cluster live from this subscription (with --resource-group and --name), or with --all-clusters every cluster of it (repeatable)")
	fs.StringVar(&f.resourceGroup, "resource-group", "", "the cluster's resource group; with --all-clusters, only this resource group")
	fs.StringVar(&f.name, "name", "", "the cluster's name")
	fs.BoolVar(&f.all, "all-clusters", false, "assess every AKS cluster of the subscriptions, found with Azure Resource Graph")
	fs.IntVar(&f.concurrency, "concurrency", scan.DefaultFleetConcurrency, "with --all-clusters: clusters read at once")
	fs.StringVar(&f.resultsDir, "results-dir", "", "with --all-clusters: also write each assessed cluster's own JSON result into this directory")
}

// validateOne checks the flags of an assessment of one AKS cluster.
func (f *azureFlags) validateOne(files bool) error {
	switch {
	case f.resultsDir != "":
		return usageError("--results-dir needs --all-clusters")
	case len(f.subscriptions) == 0:
		if f.resourceGroup != "" || f.name != "" {
			return usageError("--resource-group and --name need --subscription")
		}
	case files:
		return usageError("give the AKS cluster as files (--aks) or live (--subscription), not both")
	case len(f.subscriptions) > 1:
		return usageError("one --subscription for one cluster; several need --all-clusters")
	case f.resourceGroup == "" || f.name == "":
		return usageError("--subscription needs --resource-group and --name for one cluster, or --all-clusters for every cluster")
	}
	return nil
}

func (f *azureFlags) config(paths []string) scan.AKSConfig {
	cfg := scan.AKSConfig{Paths: paths, ResourceGroup: f.resourceGroup, Name: f.name}
	if len(f.subscriptions) > 0 {
		cfg.Subscription = f.subscriptions[0]
	}
	return cfg
}

// assessFleet is assess --all-clusters.
func assessFleet(cmd *cobra.Command, s *streams, out *outputFlags, flags *scanFlags, live *liveFlags, az *azureFlags, args, aks []string, img imageFlags) error {
	switch {
	case len(az.subscriptions) == 0:
		return usageError("--all-clusters needs --subscription")
	case len(args) > 0 || live.enabled || len(aks) > 0:
		return usageError("--all-clusters assesses the Azure side of each cluster: give no manifests, --cluster or --aks")
	case az.name != "":
		return usageError("--all-clusters and --name: give one or the other")
	case img.enabled:
		return usageError("--all-clusters reads no workloads, so no images: leave out --images")
	case az.concurrency < 1:
		return usageError("--concurrency must be at least 1")
	case live.timeout <= 0:
		return usageError("--timeout must be positive")
	}
	if err := img.rejectWithoutImages(cmd); err != nil {
		return err
	}
	opt, _, err := flags.options(cmd, s, false)
	if err != nil {
		return err
	}
	fopt, err := scan.NewFleetOptions(opt, scan.FleetConfig{Subscriptions: az.subscriptions, ResourceGroup: az.resourceGroup, Concurrency: az.concurrency, Timeout: live.timeout})
	if err != nil {
		return inputError(err)
	}
	res, err := scan.Fleet(context.Background(), fopt)
	if err != nil {
		return &exitError{code: report.ExitError, err: fmt.Errorf("assess --all-clusters: %s", printable(err.Error()))}
	}
	if az.resultsDir != "" {
		if _, err := res.WriteClusters(az.resultsDir); err != nil {
			return &exitError{code: report.ExitError, err: fmt.Errorf("--results-dir: %s", printable(err.Error()))}
		}
	}
	return finish(s, out, res.Report)
}
