package scan

import (
	"slices"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"k8s.io/client-go/rest"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/imagegate"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
)

// DefaultPageSize is the number of objects a cluster scan asks for per
// list call.
const DefaultPageSize = cluster.DefaultPageSize

// AKSConfig is what `scan aks` reads: files (Paths, with template
// Parameters and Terraform Vars and VarFiles) or, when Subscription is
// set, Azure itself.
type AKSConfig struct {
	Paths         []string
	Parameters    []string
	Vars          []string
	VarFiles      []string
	Subscription  string
	ResourceGroup string
	Name          string
}

// NewAKSOptions makes the options of an AKS scan. Files are read with
// opt's manifest settings (size limit, excludes, standard input); a live
// scan authenticates with DefaultAzureCredential. Every error is a
// UsageError.
func NewAKSOptions(opt Options, cfg AKSConfig) (AKSOptions, error) {
	aopt := AKSOptions{
		Options: opt,
		Paths:   cfg.Paths,
		Source: azure.Options{
			MaxFileSize: opt.Manifest.MaxFileSize,
			Stdin:       opt.Manifest.Stdin,
			Parameters:  cfg.Parameters,
			Exclude:     opt.Manifest.Exclude,
			Vars:        cfg.Vars,
			VarFiles:    cfg.VarFiles,
		},
	}
	if cfg.Subscription != "" {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return aopt, usageErr("azure credentials: %w", err)
		}
		aopt.Live = &azure.LiveOptions{Subscription: cfg.Subscription, ResourceGroup: cfg.ResourceGroup, Name: cfg.Name, Credential: cred}
	}
	return aopt, nil
}

// FleetConfig is where `assess --all-clusters` looks for clusters and how
// it reads them.
type FleetConfig struct {
	Subscriptions []string
	ResourceGroup string
	Concurrency   int
	Timeout       time.Duration
}

// NewFleetOptions makes the options of a fleet assessment, authenticated
// with DefaultAzureCredential as a live AKS scan is. Every error is a
// UsageError.
func NewFleetOptions(opt Options, cfg FleetConfig) (FleetOptions, error) {
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return FleetOptions{}, usageErr("azure credentials: %w", err)
	}
	return FleetOptions{Options: opt, Concurrency: cfg.Concurrency, Timeout: cfg.Timeout,
		Find: azure.FindOptions{Subscriptions: cfg.Subscriptions, ResourceGroup: cfg.ResourceGroup, Credential: cred}}, nil
}

// ClusterConfig is what `scan cluster` reads: the API server of a
// kubeconfig context, and which namespaces.
type ClusterConfig struct {
	Kubeconfig        string
	Context           string
	Namespaces        []string
	ExcludeNamespaces []string
	PageSize          int64
	// Progress, when set, is called after every page with the number of
	// objects of the kind read so far.
	Progress func(kind string, collected int)
}

// NewClusterOptions makes the options of a cluster scan. Every error is a
// UsageError.
func NewClusterOptions(opt Options, cfg ClusterConfig) (ClusterOptions, error) {
	lc, err := NewLiveCluster(cfg)
	if err != nil {
		return ClusterOptions{}, err
	}
	return ClusterOptions{Options: opt, Config: lc.Config, Source: lc.Source}, nil
}

// NewLiveCluster is the cluster cfg names, to read with assess. Every
// error is a UsageError.
func NewLiveCluster(cfg ClusterConfig) (*LiveCluster, error) {
	rc, err := KubeConfig(cfg.Kubeconfig, cfg.Context)
	if err != nil {
		return nil, err
	}
	return &LiveCluster{Config: rc, Source: cluster.Options{Namespaces: cfg.Namespaces, ExcludeNamespaces: cfg.ExcludeNamespaces,
		PageSize: cfg.PageSize, Progress: cfg.Progress}}, nil
}

// KubeConfig reads the API server and credentials of a kubeconfig
// context: kubeconfig, else KUBECONFIG, else ~/.kube/config, else the
// pod's service account. An error is a UsageError.
func KubeConfig(kubeconfig, context string) (*rest.Config, error) {
	rc, _, err := cluster.Config(kubeconfig, context)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	return rc, nil
}

// NewAdmissionService plans a service over the checks that judge one
// object of an admission request on its own and, when opt.Images carries
// a gate (BuildImageOptions with ImageConfig.Admission), over the IMG
// checks the gate can judge without pulling an image: the images of every
// admitted workload are then assessed (see Service.EvaluateImages).
func NewAdmissionService(opt Options, command string) (*Service, error) {
	if opt.Images == nil || opt.Images.Gate == nil {
		return NewService(opt, command, check.Admission)
	}
	io := opt.Images
	// Checks are named once, against both sources: a check the gate
	// cannot judge (drift, base image) that was asked for by id is an
	// error, as on any command.
	p, err := planChecks(opt, command, check.Admission, check.Images)
	if err != nil {
		return nil, err
	}
	var run []*check.Check
	var needs []string
	for _, c := range p.run {
		if len(c.ImageAspects) > 0 && !allIn(c.ImageAspects, imagegate.Aspects) {
			continue
		}
		run = append(run, c)
		for _, a := range c.ImageAspects {
			if !slices.Contains(needs, a) {
				needs = append(needs, a)
			}
		}
	}
	run, warnings := imageChecks(run, io)
	if slices.Contains(needs, imagescan.AspectVulnerabilities) && io.DB == nil {
		return nil, usageErr("the image gate judges vulnerabilities from scan records and needs the vulnerability database: %s (fill it with bulwark db import, or leave the vulnerability checks out with --skip-checks)", io.DBMissing)
	}
	if io.Cache == nil {
		return nil, usageErr("the image gate judges images by the scan records in the image cache: it cannot run with --no-cache")
	}
	if io.Verify == nil {
		needs = slices.DeleteFunc(needs, func(a string) bool { return a == imagescan.AspectSignature })
	}
	svc := newService(opt, command, run, p.elsewhere)
	var allowed []string
	if opt.Policy != nil {
		allowed = opt.Policy.Images.AllowedRegistries
	}
	svc.gate = imagegate.New(imagegate.Options{Scan: io.Options, Needs: needs, AllowedRegistries: allowed,
		TTL: io.Gate.TTL, RegistryTimeout: io.Gate.RegistryTimeout})
	svc.warnings = append(slices.Clone(io.Warnings), warnings...)
	return svc, nil
}

func allIn(xs, set []string) bool {
	for _, x := range xs {
		if !slices.Contains(set, x) {
			return false
		}
	}
	return true
}

// NewClusterService plans a service over what a live cluster feeds, for
// processes that judge it continuously (the operator, with EvaluateRead).
// With opt.Images, the images its workloads run are judged too, as scan
// cluster --images judges them.
func NewClusterService(opt Options, command string) (*Service, error) {
	if opt.Images == nil {
		return NewService(opt, command, check.Cluster)
	}
	p, err := planChecks(opt, command, clusterSources(opt)...)
	if err != nil {
		return nil, err
	}
	// imageChecks deletes in place.
	run, warnings := imageChecks(slices.Clone(p.run), opt.Images)
	svc := newService(opt, command, run, p.elsewhere)
	svc.images = opt.Images
	svc.warnings = append(slices.Clone(opt.Images.Warnings), warnings...)
	for _, c := range p.run {
		if !slices.Contains(run, c) {
			svc.imagesNotRun = append(svc.imagesNotRun, c.ID)
		}
	}
	return svc, nil
}
