package scan

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/images"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// ImageOptions turn image assessment on for a scan.
type ImageOptions struct {
	imagescan.Options
	// Warnings are added to the report (stale vulnerability data, a trust
	// policy that could not be used, ...).
	Warnings []string
}

// Images scans image references (registry references, OCI layouts,
// tarballs) and judges them with the IMG checks.
func Images(ctx context.Context, refs []string, opt Options) *report.Report {
	targets := make([]imagescan.Target, 0, len(refs))
	for _, r := range refs {
		targets = append(targets, imagescan.Target{Ref: r})
	}
	io := opt.Images
	if io == nil {
		io = &ImageOptions{}
	}
	results := imagescan.Scan(ctx, targets, io.Options)
	selected := slices.DeleteFunc(selectedChecks(opt), func(c *check.Check) bool { return !isImageCheck(c) })
	rep := evaluate(inventory.New(imagescan.ToObjects(results)), selected, opt, "scan image", refs)
	rep.Inventory.Documents = 0
	addImageNotes(rep, results, selected, io)
	rep.Summarize()
	return rep
}

func isImageCheck(c *check.Check) bool { return slices.Contains(c.Kinds, imagescan.Kind) }

// withoutImageChecks drops the IMG checks from a run that does not assess
// images, so that the report does not list checks that could not run.
func withoutImageChecks(opt Options) Options {
	if opt.Images != nil {
		return opt
	}
	checks := opt.Checks
	if checks == nil {
		checks = check.All()
	}
	opt.Checks = slices.DeleteFunc(slices.Clone(checks), isImageCheck)
	return opt
}

// scanWorkloadImages assesses the images of the workloads in objs (and the
// digests pods run) and returns them as objects for the IMG checks.
func scanWorkloadImages(ctx context.Context, objs, pods []*inventory.Object, io *ImageOptions) ([]*inventory.Object, []*imagescan.Result) {
	results := imagescan.Scan(ctx, imagescan.Targets(objs, pods), io.Options)
	return imagescan.ToObjects(results), results
}

// addImageNotes reports what the image assessment could not do: an image
// that could not be read is an input error (the verdict is incomplete);
// an aspect not assessed is a warning naming the checks it kept from
// judging the image.
func addImageNotes(rep *report.Report, results []*imagescan.Result, selected []*check.Check, io *ImageOptions) {
	rep.Warnings = append(rep.Warnings, io.Warnings...)
	byAspect := map[string][]string{}
	for _, c := range selected {
		if a, ok := images.Reads[c.ID]; ok {
			byAspect[a] = append(byAspect[a], c.ID)
		}
	}
	for _, r := range results {
		where := r.Ref
		if r.Digest != "" && !r.Local {
			where = r.Repository + "@" + r.Digest
		}
		if r.Err != "" {
			rep.Errors = append(rep.Errors, report.InputError{Resource: where, Message: "image not assessed: " + r.Err})
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
			msg := fmt.Sprintf("Image %s: %s not assessed: %s", r.Ref, strings.Join(ids, ", "), r.NotAssessed[a])
			// Vulnerabilities and signatures are what an image gate is
			// for: not knowing them makes the verdict incomplete.
			if (a == imagescan.AspectVulnerabilities && !r.NeverScanned) || (a == imagescan.AspectSignature && io.Verify != nil && !r.Local) {
				rep.Errors = append(rep.Errors, report.InputError{Resource: where, Message: msg})
				continue
			}
			if !slices.Contains(rep.Warnings, msg) {
				rep.Warnings = append(rep.Warnings, msg)
			}
		}
		for _, w := range r.Warnings {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("Image %s: %s", r.Ref, w))
		}
	}
}
