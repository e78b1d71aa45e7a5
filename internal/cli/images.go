package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/baseimage"
	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/registryauth"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
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

	chain *registryauth.Chain
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
	fs.DurationVar(&f.maxDBAge, "max-db-age", vulndb.DefaultMaxAge, "warn when vulnerability data is older than this (also: vulnerabilities.maxDatabaseAge in the policy)")
	fs.BoolVar(&f.noBase, "no-base-check", false, "do not look up whether the base image has been rebuilt (IMG-020)")
	fs.DurationVar(&f.timeout, "image-timeout", DefaultImageTimeout, "give up assessing images after this long")
}

// note adds what the registry credentials could not do (an ACR host pulled
// anonymously because no Azure credential worked) to the report.
func (f *imageFlags) note(rep *report.Report) {
	if f.chain == nil || rep == nil {
		return
	}
	if err := f.chain.Err(); err != nil {
		rep.Warnings = append(rep.Warnings, "registry credentials: "+err.Error())
	}
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

// build turns the flags and the policy into image options. ctx must live
// as long as the scan (it carries the registry credentials' lifetime).
func (f *imageFlags) build(ctx context.Context, cmd *cobra.Command, pol *policy.Policy, now time.Time) (*scan.ImageOptions, error) {
	io := &scan.ImageOptions{}
	o := &io.Options
	// Without --platform, scan cluster leaves the list empty: the scan
	// then assesses the platforms the cluster's nodes run.
	platforms := f.platforms
	if f.nodePlatforms && !cmd.Flags().Changed("platform") {
		platforms = nil
	}
	for _, p := range platforms {
		pl, err := v1.ParsePlatform(p)
		if err != nil || pl.OS == "" || pl.Architecture == "" {
			return nil, usageError("--platform %q: want os/arch[/variant], e.g. linux/arm64", p)
		}
		o.Platforms = append(o.Platforms, *pl)
	}
	f.chain = registryauth.DefaultKeychain(ctx)
	var kc authn.Keychain = f.chain
	o.Open = image.OpenOptions{Keychain: kc}
	o.RecordsOnly = f.fromCache
	o.IgnoreUnfixed = f.ignoreUnfixed || (pol != nil && pol.Vulnerabilities.IgnoreUnfixed)
	if pol != nil {
		applyUnrated(pol, o)
	}

	maxAge := f.maxDBAge
	if pol != nil && pol.Vulnerabilities.MaxDatabaseAge != nil && !cmd.Flags().Changed("max-db-age") {
		maxAge = time.Duration(pol.Vulnerabilities.MaxDatabaseAge.Days) * 24 * time.Hour
	}
	dbDir := f.dbDir
	if dbDir == "" {
		d, err := vulndb.DefaultDir()
		if err != nil {
			return nil, usageError("%v (use --db-dir)", err)
		}
		dbDir = d
	}
	if store, err := vulndb.Open(dbDir); err != nil {
		o.DBMissing = err.Error()
	} else {
		o.DB = store
		io.Warnings = append(io.Warnings, store.Warnings(now, maxAge)...)
	}

	if !f.noCache {
		dir := f.cacheDir
		if dir == "" {
			d, err := imagescan.DefaultCacheDir()
			if err != nil {
				return nil, usageError("%v", err)
			}
			dir = d
		}
		o.Cache = &imagescan.Cache{Dir: dir}
	} else if f.fromCache {
		return nil, usageError("--images-from-cache reads the cache; it cannot be combined with --no-cache")
	}

	trust, err := loadTrust(f.trustDir, pol)
	if err != nil {
		return nil, &exitError{code: report.ExitError, err: err}
	}
	if trust == nil {
		o.VerifyMissing = "no trust policy (set images.trustPolicy in the policy file or --trust-policy)"
	} else {
		v, err := sign.NewVerifier(trust, sign.Options{Keychain: kc})
		if err != nil {
			return nil, &exitError{code: report.ExitError, err: err}
		}
		o.Verify = func(ctx context.Context, repo string, d v1.Hash) (*imagescan.Signature, error) {
			r, err := v.VerifyDigest(ctx, repo, d)
			if err != nil {
				return nil, err
			}
			return &imagescan.Signature{Verified: r.Verified, Reason: r.Reason, Signer: r.Signer, Policy: r.PolicyName}, nil
		}
	}

	if !f.noBase {
		var df []byte
		args := map[string]string{}
		if f.dockerfile != "" {
			if df, err = readBounded(f.dockerfile, 1<<20); err != nil {
				return nil, usageError("--dockerfile: %v", err)
			}
			for _, a := range f.buildArgs {
				k, v, ok := strings.Cut(a, "=")
				if !ok || k == "" {
					return nil, usageError("--build-arg %q: want NAME=VALUE", a)
				}
				args[k] = v
			}
		}
		o.Base = baseChecker(kc, df, args, now)
	}
	return io, nil
}

// applyUnrated carries out vulnerabilities.unrated: "ignore" leaves
// unrated advisories out of the scan. A severity is the policy's to apply
// (Policy.Severity, to the check declaring that setting).
func applyUnrated(pol *policy.Policy, o *imagescan.Options) {
	if strings.EqualFold(pol.Vulnerabilities.Unrated.Value, policy.UnratedIgnore) {
		o.DropUnrated = true
	}
}

// loadTrust reads the trust policy from --trust-policy, else the policy
// file's images.trustPolicy; nil when neither is set.
func loadTrust(dir string, pol *policy.Policy) (*sign.Trust, error) {
	if dir != "" {
		t, err := sign.LoadTrustDir(dir)
		if err != nil {
			return nil, fmt.Errorf("--trust-policy: %w", err)
		}
		return t, nil
	}
	if pol == nil {
		return nil, nil
	}
	ref, err := pol.Images.Trust(pol.Source)
	if err != nil || ref == nil {
		return nil, err
	}
	var t *sign.Trust
	if ref.Inline != nil {
		t, err = sign.NewTrust(ref.Inline, ref.StoreDir)
	} else {
		t, err = sign.LoadTrustDir(ref.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: images.trustPolicy: %w", ref.Where, err)
	}
	return t, nil
}

func baseChecker(kc authn.Keychain, dockerfile []byte, args map[string]string, now time.Time) imagescan.BaseFunc {
	return func(ctx context.Context, img *image.Image) (*imagescan.Base, error) {
		var ann map[string]string
		if m, err := img.Image.Manifest(); err == nil && m != nil {
			ann = m.Annotations
		}
		b, err := baseimage.Identify(img.Image, ann)
		if errors.Is(err, baseimage.ErrNoBase) {
			b, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		if b == nil && dockerfile != nil {
			if b, err = baseimage.FromDockerfile(dockerfile, args); err != nil {
				return nil, fmt.Errorf("--dockerfile: %w", err)
			}
		}
		if b == nil {
			return nil, nil
		}
		fr, err := baseimage.Check(ctx, img.Image, *b, baseimage.Options{Keychain: kc, Platform: img.Platform, Now: func() time.Time { return now }})
		if err != nil {
			return nil, err
		}
		return &imagescan.Base{
			Name: b.Name, Source: string(b.Source), Digest: b.Digest, Current: fr.CurrentDigest,
			Stale: fr.Stale, Confirmed: fr.Confirmed, Age: fr.Age, Reason: fr.Reason,
		}, nil
	}
}

func readBounded(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
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
			io, err := img.build(ctx, cmd, opt.Policy, opt.Now)
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
