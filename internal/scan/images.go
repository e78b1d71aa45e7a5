package scan

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/registryauth"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// ImageOptions turn image assessment on for a scan.
type ImageOptions struct {
	imagescan.Options
	// Warnings are added to the report (stale vulnerability data, a trust
	// policy that could not be used, ...).
	Warnings []string

	// Gate, set for admission serve, judges the images of admitted
	// workloads (see NewAdmissionService).
	Gate *GateConfig

	// Reverify is how long the operator keeps registry answers (0: it
	// asks registries nothing); see ImageConfig.
	Reverify time.Duration

	// chain are the registry credentials BuildImageOptions set up.
	chain *registryauth.Chain
}

// Images scans image references (registry references, OCI layouts,
// tarballs) and judges them with the IMG checks.
func Images(ctx context.Context, refs []string, opt Options) (*report.Report, error) {
	p, err := planChecks(opt, "scan image", check.Images)
	if err != nil {
		return nil, err
	}
	targets := make([]imagescan.Target, 0, len(refs))
	for _, r := range refs {
		targets = append(targets, imagescan.Target{Ref: r})
	}
	io := opt.Images
	if io == nil {
		io = &ImageOptions{}
	}
	results := imagescan.Scan(ctx, targets, io.Options)
	selected, _ := imageChecks(p.run, io)
	rep := evaluate(inventory.New(imagescan.ToObjects(results)), selected, opt, "scan image", refs)
	rep.Inventory.Documents = 0
	addImageNotes(rep, results, selected, io)
	rep.Summarize()
	return rep, nil
}

// scanWorkloadImages assesses the images of the workloads in objs (and the
// digests pods run) and returns them as objects for the IMG checks.
func scanWorkloadImages(ctx context.Context, objs, pods []*inventory.Object, io *ImageOptions) ([]*inventory.Object, []*imagescan.Result) {
	results := imagescan.Scan(ctx, imagescan.Targets(objs, pods), io.Options)
	return imagescan.ToObjects(results), results
}

// addImageNotes reports what the image assessment could not do. An image
// that could not be read, or whose vulnerabilities or signature could not
// be assessed (or only partly: an ecosystem without data), is an input
// error: the verdict is incomplete. Other aspects not assessed are
// warnings naming the checks they kept from judging the image. Images
// sharing a reason are listed together.
func addImageNotes(rep *report.Report, results []*imagescan.Result, selected []*check.Check, io *ImageOptions) {
	rep.Warnings = append(rep.Warnings, io.Warnings...)
	if _, notes := imageChecks(check.All(), io); len(results) > 0 {
		rep.Warnings = append(rep.Warnings, notes...)
	}
	for _, n := range imageNotes(results, selected, io) {
		switch {
		case n.unread != "":
			rep.Errors = append(rep.Errors, report.InputError{Resource: n.unread, Message: n.Text})
		case n.Error:
			rep.Errors = append(rep.Errors, report.InputError{Resource: "images", Message: n.String()})
		default:
			rep.Warnings = append(rep.Warnings, n.String())
		}
	}
}

// ImageNote is something the image assessment could not do: the checks
// it kept from judging the images named (none for a plain warning), and
// why. Error: the verdict is incomplete.
type ImageNote struct {
	Images []string
	Checks []string
	Text   string
	Error  bool
	// unread is where an image that could not be read at all is.
	unread string
}

// String is the note as a report words it.
func (n ImageNote) String() string {
	if n.unread != "" {
		return n.unread + ": " + n.Text
	}
	return imageList(n.Images) + ": " + n.Text
}

// imageNotes are what addImageNotes reports, in order.
func imageNotes(results []*imagescan.Result, selected []*check.Check, io *ImageOptions) []ImageNote {
	byAspect := map[string][]string{}
	var all []string
	for _, c := range selected {
		if len(c.ImageAspects) > 0 || slices.Contains(c.Kinds, imagescan.Kind) {
			all = append(all, c.ID)
		}
		for _, a := range c.ImageAspects {
			byAspect[a] = append(byAspect[a], c.ID)
		}
	}
	type key struct {
		error  bool
		text   string
		checks string
	}
	var out, grouped []ImageNote
	idx := map[key]int{}
	add := func(error bool, text string, checks []string, ref string) {
		k := key{error, text, strings.Join(checks, ",")}
		i, ok := idx[k]
		if !ok {
			i = len(grouped)
			idx[k] = i
			grouped = append(grouped, ImageNote{Text: text, Checks: checks, Error: error})
		}
		if !slices.Contains(grouped[i].Images, ref) {
			grouped[i].Images = append(grouped[i].Images, ref)
		}
	}
	for _, r := range results {
		if r.Err != "" {
			where := r.Ref
			if r.Digest != "" && !r.Local {
				where = r.Repository + "@" + r.Digest
			}
			out = append(out, ImageNote{Images: []string{r.Ref}, Checks: all, Text: "image not assessed: " + r.Err, Error: true, unread: where})
			continue
		}
		aspects := make([]string, 0, len(r.NotAssessed))
		for a := range r.NotAssessed {
			aspects = append(aspects, a)
		}
		sort.Strings(aspects)
		for _, a := range aspects {
			ids := byAspect[a]
			if len(ids) == 0 {
				continue
			}
			// Vulnerabilities and signatures are what an image gate is
			// for: not knowing them makes the verdict incomplete.
			isErr := (a == imagescan.AspectVulnerabilities && !r.NeverScanned) || (a == imagescan.AspectSignature && io.Verify != nil && !r.Local)
			add(isErr, fmt.Sprintf("%s not assessed: %s", strings.Join(ids, ", "), r.NotAssessed[a]), ids, r.Ref)
		}
		if vulns := byAspect[imagescan.AspectVulnerabilities]; len(vulns) > 0 {
			if len(r.Unread) > 0 {
				add(true, fmt.Sprintf("packages not checked for vulnerabilities: Bulwark does not read the rpm package database (%s) yet", strings.Join(r.Unread, ", ")), vulns, r.Ref)
			}
			if len(r.Uncovered) > 0 {
				add(true, fmt.Sprintf("packages not checked for vulnerabilities: the database has no data for %s; run `bulwark db import`", strings.Join(r.Uncovered, ", ")), vulns, r.Ref)
			}
		}
		for _, w := range r.Warnings {
			add(false, w, nil, r.Ref)
		}
	}
	return append(out, grouped...)
}

func imageList(refs []string) string {
	if len(refs) == 1 {
		return "image " + refs[0]
	}
	if len(refs) > 5 {
		return fmt.Sprintf("%d images (%s, ...)", len(refs), strings.Join(refs[:5], ", "))
	}
	return fmt.Sprintf("%d images (%s)", len(refs), strings.Join(refs, ", "))
}

// imageChecks narrows the IMG checks of a run to what the configuration
// can assess: without a trust policy the signature checks do not run (one
// warning says so, instead of one per image).
func imageChecks(checks []*check.Check, io *ImageOptions) ([]*check.Check, []string) {
	if io.Verify != nil {
		return checks, nil
	}
	var dropped []string
	checks = slices.DeleteFunc(checks, func(c *check.Check) bool {
		if slices.Contains(c.ImageAspects, imagescan.AspectSignature) {
			dropped = append(dropped, c.ID)
			return true
		}
		return false
	})
	if len(dropped) == 0 {
		return checks, nil
	}
	reason := io.VerifyMissing
	if reason == "" {
		reason = "no trust policy configured"
	}
	return checks, []string{fmt.Sprintf("%s not run: %s", strings.Join(dropped, ", "), reason)}
}
