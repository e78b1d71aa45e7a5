package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/bulwark-sec/bulwark/internal/baseline"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagegate"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
)

// Service evaluates objects already decoded, for processes that judge many
// small inputs (the admission webhook, the operator): the catalog is
// planned, the policy merged and the settings fixed once, at New; each
// Evaluate costs only what its objects cost.
type Service struct {
	opt       Options
	command   string
	checks    []*check.Check
	elsewhere []*check.Check
	described []report.Check
	// gate judges the images of workloads (admission serve with images).
	gate *imagegate.Gate
	// images judges the images of a cluster's workloads (the operator);
	// imagesNotRun are the IMG checks it cannot run (no verifier).
	images       *ImageOptions
	imagesNotRun []string
	warnings     []string
}

// NewService plans a service over source from opt, as a scan of command
// would: the same selection (a named check source cannot feed is an
// error), the same policy, gate and baseline.
func NewService(opt Options, command string, source check.Source) (*Service, error) {
	p, err := planChecks(opt, command, source)
	if err != nil {
		return nil, err
	}
	return newService(opt, command, p.run, p.elsewhere), nil
}

func newService(opt Options, command string, checks, elsewhere []*check.Check) *Service {
	if opt.Policy != nil {
		opt.Settings.AllowedRegistries = opt.Policy.Images.AllowedRegistries
	}
	return &Service{opt: opt, command: command, checks: checks, elsewhere: elsewhere, described: reportChecks(checks, opt.Policy)}
}

// Checks are the checks the service runs.
func (s *Service) Checks() []*check.Check { return s.checks }

// Images reports whether the service judges the images of workloads.
func (s *Service) Images() bool { return s.gate != nil }

// Warnings are what the service was built without (vulnerability data
// that is stale, signature checks without a trust policy), to be said
// once when it starts.
func (s *Service) Warnings() []string { return s.warnings }

// Evaluate judges objs (typed k8s.io/api objects: a Pod, a Deployment, a
// RoleBinding...) together, as one inventory, and decides on the findings
// as of now (the service's Now when set). An object of a kind the scheme
// does not know is an input error of the report, never a silent pass.
func (s *Service) Evaluate(ctx context.Context, objs ...runtime.Object) (*report.Report, error) {
	rep, a, err := s.EvaluateImages(ctx, objs...)
	if err != nil || a == nil {
		return rep, err
	}
	for _, u := range a.Unassessed {
		rep.Errors = append(rep.Errors, report.InputError{Resource: u.Ref, Message: "image not assessed: " + u.Reason})
	}
	rep.Summarize()
	return rep, nil
}

// EvaluateImages is Evaluate that returns the images the service's gate
// could not judge apart (nil without a gate), for the caller's failure
// mode, instead of as input errors of the report.
func (s *Service) EvaluateImages(ctx context.Context, objs ...runtime.Object) (*report.Report, *imagegate.Assessment, error) {
	inv, inputErrors := objectsOf(objs)
	var a *imagegate.Assessment
	if s.gate != nil {
		a = s.gate.Assess(ctx, inv)
		inv = append(inv, imagescan.ToObjects(a.Results)...)
	}
	return s.EvaluateObjects(ctx, inv, inputErrors...), a, nil
}

// Assess runs the service's image gate over objs alone (the mutating
// webhook pins what it resolves); nil without a gate.
func (s *Service) Assess(ctx context.Context, objs ...runtime.Object) (*imagegate.Assessment, error) {
	if s.gate == nil {
		return nil, nil
	}
	inv, inputErrors := objectsOf(objs)
	if len(inputErrors) > 0 {
		return nil, errors.New(inputErrors[0].Message)
	}
	return s.gate.Assess(ctx, inv), nil
}

// objectsOf converts objs with ObjectOf; an object it cannot convert is
// an input error, never dropped silently.
func objectsOf(objs []runtime.Object) ([]*inventory.Object, []report.InputError) {
	inv := make([]*inventory.Object, 0, len(objs))
	var inputErrors []report.InputError
	for _, o := range objs {
		io, err := ObjectOf(o)
		if err != nil {
			inputErrors = append(inputErrors, report.InputError{Message: err.Error()})
			continue
		}
		inv = append(inv, io)
	}
	return inv, inputErrors
}

// EvaluateObjects judges inventory objects (see ObjectOf).
func (s *Service) EvaluateObjects(_ context.Context, objs []*inventory.Object, inputErrors ...report.InputError) *report.Report {
	opt := s.opt
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	// Reports of one service share the check descriptions: read-only.
	rep := evaluateWith(inventory.New(objs), s.checks, s.described, opt, s.command, nil)
	rep.Errors = append(rep.Errors, inputErrors...)
	rep.Summarize()
	return rep
}

// WithoutImages is the service judging no images: for what holds no
// workload (the operator's cluster report).
func (s *Service) WithoutImages() *Service {
	c := *s
	c.images, c.imagesNotRun = nil, nil
	c.checks = slices.DeleteFunc(slices.Clone(s.checks), func(c *check.Check) bool {
		return len(c.ImageAspects) > 0 || slices.Contains(c.Kinds, imagescan.Kind)
	})
	return &c
}

// EvaluateRead judges what was read of a live cluster (cluster.Collect,
// or cluster.Assemble over a watch cache) as `scan cluster` does: checks
// that need a kind that could not be read are listed as not assessed in
// the coverage, never run on what remains. base, when not nil, replaces
// the service's baseline for this evaluation (the operator's first-seen
// dates, which change between evaluations).
//
// With images (NewClusterService), the images the workloads run are
// judged too; the notes are what that could not do (also in the
// report's errors and warnings), with the checks each kept from judging,
// including the IMG checks the service cannot run at all.
func (s *Service) EvaluateRead(ctx context.Context, res *cluster.Result, base *baseline.Baseline) (*report.Report, []ImageNote) {
	opt := s.opt
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if base != nil {
		opt.Baseline = base
	}
	var imgs []*imagescan.Result
	if s.images != nil {
		imgs = readImages(ctx, res, s.images)
	}
	rep := evaluateRead(res, s.checks, s.elsewhere, opt, s.command)
	if s.images == nil {
		return rep, nil
	}
	addImageNotes(rep, imgs, s.checks, s.images)
	rep.Summarize()
	notes := imageNotes(imgs, s.checks, s.images)
	if len(imgs) > 0 && len(s.imagesNotRun) > 0 {
		var refs []string
		for _, r := range imgs {
			if !slices.Contains(refs, r.Ref) {
				refs = append(refs, r.Ref)
			}
		}
		why := cmp.Or(s.images.VerifyMissing, "no trust policy configured")
		notes = append(notes, ImageNote{Images: refs, Checks: s.imagesNotRun,
			Text: fmt.Sprintf("%s not run: %s", strings.Join(s.imagesNotRun, ", "), why)})
	}
	return rep, notes
}

// ObjectOf makes an inventory object of a typed API object, located by its
// API path (/api/v1/namespaces/shop/pods/web) as a live object is.
func ObjectOf(o runtime.Object) (*inventory.Object, error) {
	// Typed API objects embed ObjectMeta; the checks read it in place.
	acc, ok := o.(metav1.ObjectMetaAccessor)
	if !ok {
		return nil, fmt.Errorf("%T is not a typed Kubernetes object", o)
	}
	om, ok := acc.GetObjectMeta().(*metav1.ObjectMeta)
	if !ok {
		return nil, fmt.Errorf("%T has no typed metadata", o)
	}
	gvk := o.GetObjectKind().GroupVersionKind()
	if gvk.Kind == "" {
		gvks, _, err := scheme.Scheme.ObjectKinds(o)
		if err != nil || len(gvks) == 0 {
			return nil, fmt.Errorf("%T: kind unknown to the Kubernetes API scheme", o)
		}
		gvk = gvks[0]
	}
	apiVersion, kind := gvk.ToAPIVersionAndKind()
	loc := finding.Location{Resource: kind + "/" + om.Name}
	if k, ok := cluster.KindOf(kind); ok {
		loc.Resource = k.Path(om.Namespace, om.Name)
	} else if om.Namespace != "" {
		loc.Resource = om.Namespace + "/" + loc.Resource
	}
	return inventory.NewObject(metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}, om, o, loc, nil), nil
}
