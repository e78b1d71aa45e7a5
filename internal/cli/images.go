package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// imageFlags configure image assessment: `scan image`, and `scan
// manifests|cluster --images`.
type imageFlags struct {
	enabled       bool // --images (workload scans)
	fromCache     bool
	dbDir         string
	cacheDir      string
	noCache       bool
	platforms     []string
	ignoreUnfixed bool
	trustDir      string
	maxDBAge      time.Duration
	noBase        bool
	dockerfile    string
	buildArgs     []string
	timeout       time.Duration

	// nodePlatforms: the command knows the platforms to assess (scan
	// cluster reads them from its nodes) unless --platform is given.
	nodePlatforms bool

	images *scan.ImageOptions
}

// DefaultImageTimeout bounds the image part of a run.
const DefaultImageTimeout = 30 * time.Minute

func (f *imageFlags) add(cmd *cobra.Command, workloads bool) {
	fs := cmd.Flags()
	if workloads {
		fs.BoolVar(&f.enabled, "images", false, "also assess the images the workloads use (IMG checks: vulnerabilities, signatures, drift, base images); pulls them from their registries")
		fs.BoolVar(&f.fromCache, "images-from-cache", false, "with --images: download no layers, judge images by the scan records in the cache (IMG-013 reports digests never scanned)")
	} else {
		fs.StringVar(&f.dockerfile, "dockerfile", "", "Dockerfile the image was built from: its final FROM names the base image when the image's annotations do not")
		fs.StringArrayVar(&f.buildArgs, "build-arg", nil, "ARG value for --dockerfile, NAME=VALUE; repeatable")
	}
	fs.StringVar(&f.dbDir, "db-dir", "", "vulnerability database directory (default: <user cache>/bulwark/vulndb; fill it with: bulwark db import)")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "scan records and results by digest (default: <user cache>/bulwark/images); share it between pipeline and audits")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the image cache")
	help := "platforms to assess in multi-platform images (os/arch[/variant]); single-platform images are assessed as they are"
	if workloads {
		help += " (scan cluster: default the platforms its nodes run)"
	}
	fs.StringSliceVar(&f.platforms, "platform", []string{"linux/amd64", "linux/arm64"}, help)
	fs.BoolVar(&f.ignoreUnfixed, "ignore-unfixed", false, "leave out vulnerabilities without a published fix (also: vulnerabilities.ignoreUnfixed in the policy)")
	fs.StringVar(&f.trustDir, "trust-policy", "", "Notation trust directory (trustpolicy.json and truststore/x509/...) for IMG-010/IMG-011 (default: images.trustPolicy in the policy)")
	fs.DurationVar(&f.maxDBAge, "max-db-age", scan.DefaultMaxDBAge, "warn when vulnerability data is older than this (also: vulnerabilities.maxDatabaseAge in the policy)")
	fs.BoolVar(&f.noBase, "no-base-check", false, "do not look up whether the base image has been rebuilt (IMG-020)")
	fs.DurationVar(&f.timeout, "image-timeout", DefaultImageTimeout, "give up assessing images after this long")
}

// note adds what the registry credentials could not do (an ACR host pulled
// anonymously because no Azure credential worked) to the report.
func (f *imageFlags) note(rep *report.Report) {
	f.images.AddCredentialWarnings(rep)
}

// rejectWithoutImages refuses image flags given without --images: they
// would silently do nothing.
func (f *imageFlags) rejectWithoutImages(cmd *cobra.Command) error {
	for _, n := range []string{"images-from-cache", "db-dir", "cache-dir", "no-cache", "platform", "ignore-unfixed", "trust-policy", "max-db-age", "no-base-check", "image-timeout"} {
		if cmd.Flags().Changed(n) {
			return usageError("--%s needs --images", n)
		}
	}
	return nil
}

// build turns the flags and the policy into image options (see
// scan.BuildImageOptions). ctx must live as long as the scan (it carries
// the registry credentials' lifetime).
func (f *imageFlags) build(ctx context.Context, cmd *cobra.Command, opt scan.Options) (*scan.ImageOptions, error) {
	io, err := scan.BuildImageOptions(ctx, f.config(cmd), opt.Policy, opt.Now)
	if err != nil {
		return nil, inputError(err)
	}
	f.images = io
	return io, nil
}

// config is the image configuration the flags give.
func (f *imageFlags) config(cmd *cobra.Command) scan.ImageConfig {
	// Without --platform, scan cluster leaves the list empty: the scan
	// then assesses the platforms the cluster's nodes run.
	platforms := f.platforms
	if f.nodePlatforms && !cmd.Flags().Changed("platform") {
		platforms = nil
	}
	return scan.ImageConfig{
		Platforms: platforms, FromCache: f.fromCache, DBDir: f.dbDir, CacheDir: f.cacheDir, NoCache: f.noCache,
		IgnoreUnfixed: f.ignoreUnfixed, TrustDir: f.trustDir, MaxDBAge: f.maxDBAge, MaxDBAgeSet: cmd.Flags().Changed("max-db-age"),
		NoBase: f.noBase, Dockerfile: f.dockerfile, BuildArgs: f.buildArgs,
	}
}

// withProgress installs a progress bar when stderr is a terminal.
func withProgress(s *streams, io *scan.ImageOptions) *imageProgress {
	if !isTerminal(s.err) {
		return nil
	}
	p := &imageProgress{statusLine{w: s.err}}
	io.Progress = p.update
	return p
}

func newScanImage(s *streams) *cobra.Command {
	var (
		out   outputFlags
		flags scanFlags
		img   imageFlags
	)
	cmd := &cobra.Command{
		Use:   "image REF...",
		Short: "Scan container images: vulnerabilities, signature, drift, base image",
		Long: `Scan container images: a registry reference (tags are resolved to their digest
first), an OCI image layout directory, or a docker-archive / OCI tarball.

For each image Bulwark reads the packages of every wanted platform layer by layer
(dpkg, apk, Go binaries' build information), matches them against the local
vulnerability database (bulwark db import), verifies the image's Notary Project
(Notation) signature against the trust policy, and checks whether its base image
(org.opencontainers.image.base.name/.digest annotations or labels, or --dockerfile)
has been rebuilt since. Findings are IMG checks (bulwark checks list --area
vulnerabilities, --area supply-chain) and go through the policy, baseline and
outputs like any other.

Results are cached by digest (--cache-dir): scanning the same digest again with the
same database reads the cache. The cache's scan records are also what
scan manifests|cluster --images-from-cache judges running images by.

Registry credentials come from the docker config (docker login, credential
helpers) and, for *.azurecr.io, from Azure (az login, workload identity, managed
identity) exchanged for an ACR token.

An image that cannot be read, vulnerability data missing for a package ecosystem
found in the image, or a signature that cannot be checked makes the verdict
incomplete: exit 2.`,
		Example: `  bulwark db import --go-vulndb Debian-all.zip Alpine-all.zip
  bulwark scan image myacr.azurecr.io/shop/api:1.4.1
  bulwark scan image ./build/oci-layout ./build/app.tar --format sarif -o images.sarif
  bulwark scan image myacr.azurecr.io/shop/api:1.4.1 --trust-policy ./notation --fail-on critical
  bulwark scan image myacr.azurecr.io/shop/api:1.4.1 --dockerfile Dockerfile --ignore-unfixed`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			for _, f := range []string{"exclude", "max-file-size", "pss-level", "pss-version"} {
				if cmd.Flags().Changed(f) {
					return usageError("--%s applies to manifests, not images", f)
				}
			}
			opt, _, err := flags.options(cmd, s, false)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), img.timeout)
			defer cancel()
			io, err := img.build(ctx, cmd, opt)
			if err != nil {
				return err
			}
			opt.Images = io
			prog := withProgress(s, io)
			rep, err := scan.Images(ctx, args, opt)
			prog.done()
			if err != nil {
				return usageError("%v", err)
			}
			img.note(rep)
			return finish(s, &out, rep)
		},
	}
	out.add(cmd)
	flags.add(cmd)
	for _, f := range []string{"exclude", "max-file-size", "pss-level", "pss-version"} {
		_ = cmd.Flags().MarkHidden(f)
	}
	img.add(cmd, false)
	return cmd
}
