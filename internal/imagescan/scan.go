package imagescan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// DefaultPlatforms are assessed when the caller names none: what AKS node
// pools run.
var DefaultPlatforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}

// Matcher is the vulnerability database.
type Matcher interface {
	MatchAll(qs []vuln.Query) ([]vuln.Match, []error)
	// Digest identifies the data, for the result cache.
	Digest() string
	// Has reports whether there is data for an ecosystem: packages of an
	// ecosystem without data must not look free of vulnerabilities.
	Has(ecosystem string) bool
}

// Rater is implemented by a Matcher that can rate advisories their own
// data leaves unrated (vulndb.Store, from the GitHub Advisory Database).
type Rater interface {
	Rating(ids []string) (sev vuln.SeverityInfo, from string, ok bool, err error)
}

// VerifyFunc verifies the signature of repository@digest. A missing or
// untrusted signature is a Signature with Verified false; an error means
// the signature could not be assessed.
type VerifyFunc func(ctx context.Context, repository string, digest v1.Hash) (*Signature, error)

// BaseFunc judges the base image of img (the first platform's image of the
// assessed digest). It returns nil, nil when the image does not say what
// its base is.
type BaseFunc func(ctx context.Context, img *image.Image) (*Base, error)

// Options configure Scan.
type Options struct {
	Open      image.OpenOptions
	Platforms []v1.Platform
	Limits    image.Limits
	// DB matches packages; nil leaves vulnerabilities not assessed with
	// DBMissing as the reason.
	DB        Matcher
	DBMissing string
	// Verify checks signatures; nil leaves them not assessed with
	// VerifyMissing as the reason.
	Verify        VerifyFunc
	VerifyMissing string
	// Base judges base-image freshness; nil skips it.
	Base BaseFunc
	// Cache stores records and matches; nil disables caching.
	Cache *Cache
	// IgnoreUnfixed drops vulnerabilities without a published fix.
	IgnoreUnfixed bool
	// DropUnrated leaves out vulnerabilities no data rates (the policy's
	// vulnerabilities.unrated: ignore), saying how many in a warning.
	DropUnrated bool
	// RecordsOnly judges images by their scan records without pulling
	// them: an image without a record is NeverScanned.
	RecordsOnly bool
	// Offline, when set, is why the registry is asked nothing about a
	// reference: tags are not resolved, so drift is not assessed (with
	// this reason) and a tag no pod runs yet is not assessed at all.
	// Signatures are the caller's (Verify).
	Offline string
	// Memo, when set, keeps what tags resolve to and which indexes list a
	// digest for its TTL.
	Memo *Memo
	// Workers bounds concurrent image scans (default 2: each scan is
	// mostly decompression, one core each).
	Workers int
	// Progress is called after each image.
	Progress func(done, total int, ref string)
}

// Scan assesses targets, in order. A target whose running containers use
// several digests (a rollout in progress) gives one result per digest.
func Scan(ctx context.Context, targets []Target, opt Options) []*Result {
	if len(opt.Platforms) == 0 {
		opt.Platforms = DefaultPlatforms
	}
	workers := cmp.Or(opt.Workers, 2)
	out := make([][]*Result, len(targets))
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		done atomic.Int64
	)
	for range min(workers, len(targets)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(targets) {
					return
				}
				out[i] = scanTarget(ctx, targets[i], &opt)
				n := done.Add(1)
				if opt.Progress != nil {
					opt.Progress(int(n), len(targets), targets[i].Ref)
				}
			}
		})
	}
	wg.Wait()
	var flat []*Result
	for _, rs := range out {
		flat = append(flat, rs...)
	}
	return flat
}

// ref is a parsed image reference: a registry repository with a tag, a
// digest, or both (repo:tag@sha256:…, which runtimes pull by digest).
type ref struct {
	repo   name.Repository
	tag    string
	digest string
}

func parseRef(s string, opts []name.Option) (ref, error) {
	var r ref
	base := s
	if i := strings.LastIndex(s, "@"); i >= 0 {
		base, r.digest = s[:i], s[i+1:]
		if _, err := v1.NewHash(r.digest); err != nil {
			return r, fmt.Errorf("image reference %q: bad digest: %w", s, err)
		}
	}
	if base == "" {
		return r, fmt.Errorf("image reference %q: no repository", s)
	}
	nr, err := name.ParseReference(base, opts...)
	if err != nil {
		return r, fmt.Errorf("image reference %q: %w", s, err)
	}
	r.repo = nr.Context()
	if t, ok := nr.(name.Tag); ok {
		// An implicit "latest" only counts when nothing pins a digest:
		// a runtime pulls repo@digest and ignores the tag then.
		if r.digest == "" || strings.Contains(base[strings.LastIndex(base, "/")+1:], ":") {
			r.tag = t.TagStr()
		}
	}
	return r, nil
}

func scanTarget(ctx context.Context, t Target, opt *Options) []*Result {
	if isLocal(t.Ref) {
		return []*Result{scanLocal(ctx, t, opt)}
	}
	if looksLikePath(t.Ref) {
		// A missing file must not turn into a registry lookup of "." .
		_, err := os.Stat(t.Ref)
		return []*Result{{Target: t, Local: true, Err: err.Error()}}
	}
	r, err := parseRef(t.Ref, opt.Open.NameOptions)
	if err != nil {
		return []*Result{{Target: t, Err: err.Error()}}
	}
	repo := r.repo.Name()

	// What the tag points to now, for drift and as the digest of bare tags.
	var current string
	var currentErr error
	if r.tag != "" && !(ArtifactTag(r.tag) && (r.digest != "" || len(t.Running()) > 0)) {
		if opt.Offline != "" {
			currentErr = errors.New(opt.Offline)
		} else {
			current, currentErr = head(ctx, r.repo.Tag(r.tag), opt)
		}
	}
	digests := t.Running()
	if len(digests) == 0 && r.digest != "" {
		digests = []string{r.digest}
	}
	deployed := len(digests) > 0
	if !deployed {
		if currentErr != nil {
			return []*Result{{Target: t, Repository: repo, Err: currentErr.Error()}}
		}
		digests = []string{current}
	}
	var out []*Result
	for _, d := range digests {
		res := &Result{Target: t, Repository: repo, Digest: d}
		if len(digests) > 1 {
			res.Uses = slices.DeleteFunc(slices.Clone(t.Uses), func(u Use) bool { return u.Running != "" && u.Running != d })
		}
		h, _ := v1.NewHash(d)
		assessVulnerabilities(ctx, res, repo+"@"+d, opt)
		// Some runtimes record the platform manifest they pulled rather
		// than the index the tag names; the index is what gets signed and
		// what the tag points to.
		parent := ""
		if deployed && current != "" && d != current && indexHolds(ctx, r.repo, current, d, opt) {
			parent = current
		}
		if opt.Verify == nil {
			res.notAssessed(AspectSignature, opt.VerifyMissing)
		} else if sig, err := opt.Verify(ctx, repo, h); err != nil {
			res.notAssessed(AspectSignature, err.Error())
		} else {
			res.Signature = sig
			if !sig.Verified && parent != "" {
				ph, _ := v1.NewHash(parent)
				if psig, err := opt.Verify(ctx, repo, ph); err == nil && psig.Verified {
					res.Signature = psig
				}
			}
		}
		// A reference by digest alone has no tag that could move: drift
		// does not apply (Drift stays nil), which is not "not assessed".
		switch {
		case r.tag == "":
		case ArtifactTag(r.tag):
			res.notAssessed(AspectDrift, "tag "+r.tag+" is a signature or attestation tag, not an image release")
		case currentErr != nil:
			res.notAssessed(AspectDrift, currentErr.Error())
		default:
			res.Drift = &Drift{Tag: r.repo.Tag(r.tag).Name(), Current: current}
			if deployed {
				res.Drift.Deployed = d
				if parent != "" {
					res.Drift.Deployed = parent // the platform image of what the tag names: no drift
				}
			}
			if res.Drift.Moved() && opt.Verify != nil {
				ch, _ := v1.NewHash(current)
				if sig, err := opt.Verify(ctx, repo, ch); err != nil {
					res.Warnings = append(res.Warnings, fmt.Sprintf("signature of %s@%s (what %s points to now) not assessed: %v", repo, current, res.Drift.Tag, err))
				} else {
					res.Drift.CurrentSignature = sig
				}
			}
		}
		out = append(out, res)
	}
	return out
}

// artifactTagRE matches the tags registries without the referrers API get
// for signatures and attestations: the OCI referrers tag schema
// (sha256-<hex>) and cosign's sha256-<hex>.sig/.att/.sbom. They move with
// every new signature by design; comparing them would report drift that
// is not there.
var artifactTagRE = regexp.MustCompile(`^sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$`)

// ArtifactTag reports whether tag is such a signature or attestation tag.
func ArtifactTag(tag string) bool { return artifactTagRE.MatchString(tag) }

// looksLikePath reports references that can only be meant as files: a
// registry reference never starts with . or / and has no archive suffix.
func looksLikePath(ref string) bool {
	return strings.HasPrefix(ref, ".") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "~") ||
		strings.HasSuffix(ref, ".tar") || strings.HasSuffix(ref, ".tar.gz") || strings.HasSuffix(ref, ".tgz")
}

func isLocal(ref string) bool {
	_, err := os.Stat(ref)
	return err == nil
}

// indexHolds reports whether index (a digest in repo) is an image index
// listing the manifest digest. Any failure answers false: the drift is
// then reported on the digests alone.
func indexHolds(ctx context.Context, repo name.Repository, index, digest string, opt *Options) bool {
	v, _ := opt.Memo.Do("index "+repo.Name()+"@"+index+" "+digest, func() (any, error) {
		return listsDigest(ctx, repo, index, digest, opt), nil
	})
	return v.(bool)
}

func listsDigest(ctx context.Context, repo name.Repository, index, digest string, opt *Options) bool {
	idx, err := remote.Index(repo.Digest(index), remoteOptions(ctx, opt)...)
	if err != nil {
		return false
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return false
	}
	return slices.ContainsFunc(m.Manifests, func(d v1.Descriptor) bool { return d.Digest.String() == digest })
}

// remoteOptions are the registry options of every lookup: the caller's
// keychain (the docker config by default) and transport.
func remoteOptions(ctx context.Context, opt *Options) []remote.Option {
	kc := opt.Open.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	return append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)}, opt.Open.Remote...)
}

func head(ctx context.Context, tag name.Tag, opt *Options) (string, error) {
	v, err := opt.Memo.Do("tag "+tag.Name(), func() (any, error) {
		d, err := remote.Head(tag, remoteOptions(ctx, opt)...)
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", tag.Name(), err)
		}
		return d.Digest.String(), nil
	})
	return v.(string), err
}

func scanLocal(ctx context.Context, t Target, opt *Options) *Result {
	res := &Result{Target: t, Local: true}
	res.notAssessed(AspectSignature, "signatures are verified in a registry; push the image and scan it there")
	assessVulnerabilities(ctx, res, t.Ref, opt)
	return res
}

// assessVulnerabilities fills the inventory and the vulnerabilities of
// the image at ref (a repository@digest or a local path) from the cache,
// the scan record or the image itself.
func assessVulnerabilities(ctx context.Context, res *Result, ref string, opt *Options) {
	var rec *Record
	if opt.Cache != nil && res.Digest != "" {
		r, err := opt.Cache.Record(res.Digest)
		if err != nil {
			res.Warnings = append(res.Warnings, err.Error())
		}
		rec = r
	}
	if rec == nil && opt.RecordsOnly {
		res.NeverScanned = true
		res.notAssessed(AspectVulnerabilities, "no scan record for "+res.Digest+" (images are judged from the cache without pulling)")
		res.notAssessed(AspectBase, "the image is not pulled when judging from scan records")
		return
	}
	var first *image.Image
	if rec == nil || (opt.Base != nil && !opt.RecordsOnly) {
		imgs, err := image.OpenAll(ctx, ref, opt.Open, opt.Platforms)
		if err != nil {
			res.Err = err.Error()
			return
		}
		defer func() {
			for _, i := range imgs {
				i.Close()
			}
		}()
		first = imgs[0]
		if res.Digest == "" {
			res.Digest = topDigest(first)
			if opt.Cache != nil && rec == nil {
				r, err := opt.Cache.Record(res.Digest)
				if err != nil {
					res.Warnings = append(res.Warnings, err.Error())
				}
				rec = r
			}
		}
		if rec == nil {
			rec, err = takeInventory(ctx, res.Digest, imgs, opt.Limits)
			if err != nil {
				res.Err = err.Error()
				return
			}
			if opt.Cache != nil {
				if err := opt.Cache.PutRecord(rec); err != nil {
					res.Warnings = append(res.Warnings, err.Error())
				}
			}
		}
	}
	for _, p := range rec.Platforms {
		res.Platforms = append(res.Platforms, p.Platform)
		res.Packages = max(res.Packages, len(p.Packages))
		for _, u := range p.Unread {
			if !slices.Contains(res.Unread, u) {
				res.Unread = append(res.Unread, u)
			}
		}
		if res.OS == "" && p.OS != nil {
			res.OS = p.OS.Name
		}
	}
	if opt.Base != nil && first != nil {
		b, err := opt.Base(ctx, first)
		switch {
		case err != nil:
			res.notAssessed(AspectBase, err.Error())
		case b == nil:
			res.notAssessed(AspectBase, "the image does not name its base (no org.opencontainers.image.base.name annotation or label, no Dockerfile given)")
		default:
			res.Base = b
		}
	} else if opt.Base != nil {
		res.notAssessed(AspectBase, "the image is not pulled when judging from scan records")
	}
	if opt.DB == nil {
		res.notAssessed(AspectVulnerabilities, opt.DBMissing)
		return
	}
	if opt.Cache != nil {
		m, ok, err := opt.Cache.matches(res.Digest, opt.DB.Digest(), opt.IgnoreUnfixed)
		if err != nil {
			res.Warnings = append(res.Warnings, err.Error())
		}
		if ok {
			res.Vulnerabilities, res.Uncovered, res.Cached = m.Vulnerabilities, m.Uncovered, true
			dropUnrated(res, opt)
			return
		}
	}
	v, uncovered, errs := match(ctx, rec, opt.DB, opt.IgnoreUnfixed)
	if err := ctx.Err(); err != nil {
		res.Err = "matching vulnerabilities: " + err.Error()
		return
	}
	for _, e := range errs {
		res.Warnings = append(res.Warnings, "package not matched: "+e.Error())
	}
	res.Vulnerabilities, res.Uncovered = v, uncovered
	if opt.Cache != nil && len(errs) == 0 {
		if err := opt.Cache.putMatches(res.Digest, opt.DB.Digest(), opt.IgnoreUnfixed, matchEntry{Vulnerabilities: v, Uncovered: uncovered}); err != nil {
			res.Warnings = append(res.Warnings, err.Error())
		}
	}
	dropUnrated(res, opt)
}

func dropUnrated(res *Result, opt *Options) {
	if !opt.DropUnrated {
		return
	}
	n := len(res.Vulnerabilities)
	res.Vulnerabilities = slices.DeleteFunc(slices.Clone(res.Vulnerabilities), func(v Vulnerability) bool { return vuln.Rank(v.Severity) == 0 })
	if d := n - len(res.Vulnerabilities); d > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d %s without a rating left out (vulnerabilities.unrated: ignore)", d, plural(d, "vulnerability", "vulnerabilities")))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func topDigest(img *image.Image) string {
	if img.IndexDigest != nil {
		return img.IndexDigest.String()
	}
	return img.Digest.String()
}

func takeInventory(ctx context.Context, digest string, imgs []*image.Image, lim image.Limits) (*Record, error) {
	rec := &Record{Digest: digest}
	for _, img := range imgs {
		r, err := image.Scan(ctx, img.Image, lim)
		if err != nil {
			return nil, fmt.Errorf("inventory of %s: %w", img.Reference, err)
		}
		if r.Packages == nil {
			r.Packages = []image.Package{}
		}
		rec.Platforms = append(rec.Platforms, PlatformRecord{Platform: platformString(img), Digest: img.Digest.String(), OS: r.OS, Packages: r.Packages, Unread: r.Unread})
	}
	return rec, nil
}

// match looks every platform's packages up and merges what is the same
// vulnerability of the same package on several platforms.
func match(ctx context.Context, rec *Record, db Matcher, ignoreUnfixed bool) ([]Vulnerability, []string, []error) {
	byKey := map[string]*Vulnerability{}
	var errs []error
	var uncovered []string
	for _, p := range rec.Platforms {
		// One query per package name and version as advisories see it;
		// the binary packages built from it ride along.
		type group struct {
			q    vuln.Query
			pkgs []image.Package
		}
		var groups []*group
		byQuery := map[vuln.Query]*group{}
		qs := vuln.QueriesFor(p.Packages, p.OS)
		// A binary's own build settings name its platform; records
		// from before they were read fall back to the image's.
		goos, goarch, _ := strings.Cut(p.Platform, "/")
		goarch, _, _ = strings.Cut(goarch, "/")
		for i := range qs {
			if qs[i].Ecosystem == vuln.EcoGo && qs[i].GOOS == "" && qs[i].GOARCH == "" {
				qs[i].GOOS, qs[i].GOARCH = goos, goarch
			}
		}
		for _, q := range qs {
			if !db.Has(q.Ecosystem) && !slices.Contains(uncovered, q.Ecosystem) {
				uncovered = append(uncovered, q.Ecosystem)
			}
		}
		for i, q := range qs {
			q.Name += "\x00" + p.Packages[i].Path // Go modules of different binaries stay apart
			g := byQuery[q]
			if g == nil {
				g = &group{q: qs[i]}
				byQuery[q] = g
				groups = append(groups, g)
			}
			g.pkgs = append(g.pkgs, p.Packages[i])
		}
		uniq := make([]vuln.Query, len(groups))
		for i, g := range groups {
			uniq[i] = g.q
		}
		// Match one group at a time so a match is credited to its group.
		for i, q := range uniq {
			if ctx.Err() != nil {
				return nil, nil, nil // the caller reports the deadline
			}
			ms, es := db.MatchAll([]vuln.Query{q})
			errs = append(errs, es...)
			g := groups[i]
			for _, m := range ms {
				if ignoreUnfixed && m.Fixed == "" {
					continue
				}
				pk := g.pkgs[0]
				layer := pk
				for _, x := range g.pkgs[1:] {
					if x.LayerIndex < layer.LayerIndex {
						layer = x
					}
				}
				v := Vulnerability{
					ID: m.ID, Aliases: m.Aliases, Summary: m.Summary, Type: pk.Type, Package: q.Name, Version: q.Version,
					Path: pk.Path, Fixed: m.Fixed, Severity: strings.ToUpper(m.Severity.Level), Score: m.Severity.Score, Vector: m.Severity.Vector,
					Layer: layer.LayerIndex, LayerDigest: layer.LayerDigest.String(),
				}
				if v.Severity == "NONE" {
					v.Severity = ""
				}
				if rater, ok := db.(Rater); ok && vuln.Rank(v.Severity) == 0 {
					si, from, ok, err := rater.Rating(append([]string{v.ID}, v.Aliases...))
					if err != nil {
						errs = append(errs, err)
					} else if ok {
						v.Severity, v.Score, v.Vector, v.RatedBy = strings.ToUpper(si.Level), si.Score, si.Vector, from
					}
				}
				for _, x := range g.pkgs {
					if x.Name != q.Name && !slices.Contains(v.Binaries, x.Name) {
						v.Binaries = append(v.Binaries, x.Name)
					}
				}
				slices.Sort(v.Binaries)
				k := v.Key() + "\x00" + v.ID + "\x00" + v.Version
				if have, ok := byKey[k]; ok {
					if !slices.Contains(have.Platforms, p.Platform) {
						have.Platforms = append(have.Platforms, p.Platform)
					}
					continue
				}
				v.Platforms = []string{p.Platform}
				byKey[k] = &v
			}
		}
	}
	out := make([]Vulnerability, 0, len(byKey))
	for _, v := range byKey {
		out = append(out, *v)
	}
	out = mergeSame(out)
	slices.SortFunc(out, func(a, b Vulnerability) int {
		return cmp.Or(strings.Compare(a.Key(), b.Key()), strings.Compare(a.ID, b.ID), strings.Compare(a.Version, b.Version))
	})
	slices.Sort(uncovered)
	return out, uncovered, errs
}

// trackerRE matches the per-CVE advisories of distribution security
// trackers: DEBIAN-CVE-2024-1234, UBUNTU-CVE-2024-1234, ALPINE-CVE-...
var trackerRE = regexp.MustCompile(`^[A-Z]+-CVE-\d{4}-\d+$`)

// mergeSame makes one finding of the advisories of one installed package
// that share an id through their aliases, upstream or related ids: OSV
// exports a distribution's notice (USN, DSA) and its per-CVE tracker
// entries (UBUNTU-CVE-…, DEBIAN-CVE-…), and the Go and GitHub databases
// alias each other, each with its own rating or none. The finding keeps
// the highest rating, the highest fixed version, and lists every id; it
// is named by a notice before a tracker entry, then by the smallest id,
// so that its fingerprint does not depend on the order of the data.
func mergeSame(vs []Vulnerability) []Vulnerability {
	parent := make([]int, len(vs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{} // package instance + id -> first vulnerability naming it
	for i, v := range vs {
		inst := v.Key() + "\x00" + v.Version + "\x00"
		for _, n := range append([]string{v.ID}, v.Aliases...) {
			if j, ok := owner[inst+n]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[inst+n] = i
			}
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i := range vs {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	out := make([]Vulnerability, 0, len(roots))
	for _, r := range roots {
		members := groups[r]
		if len(members) == 1 {
			out = append(out, vs[members[0]])
			continue
		}
		out = append(out, merge(vs, members))
	}
	return out
}

func merge(vs []Vulnerability, members []int) Vulnerability {
	name, rated := members[0], members[0]
	for _, i := range members[1:] {
		a, b := vs[i], vs[name]
		if ta, tb := trackerRE.MatchString(a.ID), trackerRE.MatchString(b.ID); ta != tb && !ta || ta == tb && a.ID < b.ID {
			name = i
		}
		if c := cmp.Compare(vuln.Rank(vs[i].Severity), vuln.Rank(vs[rated].Severity)); c > 0 || c == 0 && vs[i].Score > vs[rated].Score {
			rated = i
		}
	}
	m := vs[name]
	m.Aliases, m.Binaries, m.Platforms = nil, slices.Clone(m.Binaries), slices.Clone(m.Platforms)
	m.Severity, m.Score, m.Vector, m.RatedBy = vs[rated].Severity, vs[rated].Score, vs[rated].Vector, vs[rated].RatedBy
	for _, i := range members {
		v := vs[i]
		for _, n := range append([]string{v.ID}, v.Aliases...) {
			if n != m.ID && !slices.Contains(m.Aliases, n) {
				m.Aliases = append(m.Aliases, n)
			}
		}
		for _, b := range v.Binaries {
			if !slices.Contains(m.Binaries, b) {
				m.Binaries = append(m.Binaries, b)
			}
		}
		for _, p := range v.Platforms {
			if !slices.Contains(m.Platforms, p) {
				m.Platforms = append(m.Platforms, p)
			}
		}
		if m.Summary == "" {
			m.Summary = v.Summary
		}
		if v.Fixed != "" && (m.Fixed == "" || laterVersion(v, m.Fixed)) {
			m.Fixed = v.Fixed
		}
	}
	slices.Sort(m.Aliases)
	slices.Sort(m.Binaries)
	return m
}

// laterVersion reports whether v's fixed version is above other, in v's
// package ecosystem; versions that cannot be compared keep other.
func laterVersion(v Vulnerability, other string) bool {
	eco := map[string]string{image.TypeDeb: vuln.EcoDebian, image.TypeApk: vuln.EcoAlpine, image.TypeGo: vuln.EcoGo}[v.Type]
	c, err := vuln.CompareVersions(eco, v.Package, v.Fixed, other)
	return err == nil && c > 0
}
