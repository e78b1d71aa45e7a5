package pss

import (
	"fmt"
	"slices"
	"strings"

	utilversion "k8s.io/apimachinery/pkg/util/version"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-037 reads a workload's pod template (or Pod) and the Pod Security
// level its namespace enforces: the pod-security.kubernetes.io/enforce and
// enforce-version labels of the Namespace object in the input or the live
// cluster, else --pss-enforce LEVEL[:VERSION] for namespaces the input does
// not hold. It evaluates the pod with the upstream evaluator
// (k8s.io/pod-security-admission/policy), emulating the API server's minor
// version when a live cluster's is known, and reports one finding naming
// every failed Pod Security check, whatever the severities of the checks
// that report them one by one at --pss-level. No enforce level known (no
// Namespace object without the flag, or a namespace without the label)
// means nothing to judge: the cluster-wide default of the admission
// configuration is not visible to Bulwark (AKS leaves it privileged).
// Exemptions configured in the API server are not visible either.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-037", Title: "Rejected at admission by Pod Security", Severity: finding.SeverityCritical, Area: "pod-security",
			Description: "The namespace the workload deploys to enforces a Pod Security level its pods do not meet, so the API server rejects them: a Pod is refused outright, " +
				"a controller (Deployment, StatefulSet, Job...) is accepted but cannot create a single pod, and the rollout fails or hangs. " +
				"This is a deployment failure, not a risk, which is why it is critical whatever the severities of the Pod Security checks it names.",
			Remediation: "Make the pod template meet the namespace's level: fix each violation the finding lists (the checks named report the fields). " +
				"If the workload truly needs more privilege, deploy it to a namespace with a lower level instead of weakening this one. Preview with:\n\n" +
				"    kubectl apply --dry-run=server -f workload.yaml",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Reads:    []string{"Namespace"},
			Sources:  check.KubernetesObjects,
		},
		Eval: evalAdmission,
	})
}

func evalAdmission(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	// A Pod running in a live cluster was admitted: whether it still meets
	// the level is K8S-036's question.
	if !ok || obj.Kind == "Pod" && ctx.Inventory.ClusterInfo() != nil {
		return
	}
	lv, source, ok := enforced(ctx, obj.Meta.Namespace)
	if !ok || lv.Level == api.LevelPrivileged {
		return
	}
	a := admissionFor(ctx.Inventory)
	if policy.AggregateCheckResults(a.ev.EvaluatePod(lv, ps.Meta, ps.Spec)).Allowed {
		return
	}
	// The evaluator says whether; the checks one by one say which.
	alv := lv
	if alv.Version.Latest() && a.emulate != nil {
		alv.Version = *a.emulate
	}
	active := Active(alv)
	var failed []*spec
	for i := range specs {
		s := &specs[i]
		if fn := active[s.id]; fn != nil && !fn(ps.Meta, ps.Spec).Allowed {
			failed = append(failed, s)
		}
	}
	slices.SortFunc(failed, func(x, y *spec) int { return strings.Compare(x.ID, y.ID) })
	var parts []string
	for _, s := range failed {
		res := active[s.id](ps.Meta, ps.Spec)
		p := fmt.Sprintf("%s (%s): %s", s.id, s.ID, res.ForbiddenReason)
		if res.ForbiddenDetail != "" {
			p += " (" + res.ForbiddenDetail + ")"
		}
		parts = append(parts, p)
	}
	what := "its pods are"
	if obj.Kind == "Pod" {
		what = "it is"
	}
	path := ps.SpecPath
	if len(failed) > 0 {
		path = failed[0].locate(active[failed[0].id], ps)
	}
	r.Fail(path, lv.String(), "rejected at admission by Pod Security level %q (%s): %s refused for %s",
		lv.String(), source, what, strings.Join(parts, "; "))
}

// enforced returns the level enforced in namespace ns and says where it
// comes from.
func enforced(ctx *check.Context, ns string) (api.LevelVersion, string, bool) {
	if o, ok := namespaces(ctx.Inventory)[ns]; ok && ns != "" {
		if _, set := o.Meta.Labels[api.EnforceLevelLabel]; !set {
			return api.LevelVersion{}, "", false
		}
		// Invalid labels are K8S-034's; the API server evaluates a
		// namespace holding one as restricted, and so does this.
		pol, _ := api.PolicyToEvaluate(o.Meta.Labels, api.Policy{
			Enforce: api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
			Audit:   api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
			Warn:    api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
		})
		return pol.Enforce, fmt.Sprintf("namespace %q enforces it", ns), true
	}
	if lv := ctx.Settings.PSSEnforce; lv != nil {
		where := "the namespace it deploys to"
		if ns != "" {
			where = fmt.Sprintf("namespace %q", ns)
		}
		return *lv, "--pss-enforce, for " + where, true
	}
	return api.LevelVersion{}, "", false
}

type namespacesKey struct{}

func namespaces(inv *inventory.Inventory) map[string]*inventory.Object {
	return inv.Derived(namespacesKey{}, func(inv *inventory.Inventory) any {
		m := map[string]*inventory.Object{}
		for _, o := range inv.OfKind("Namespace") {
			if _, dup := m[o.Meta.Name]; !dup {
				m[o.Meta.Name] = o
			}
		}
		return m
	}).(map[string]*inventory.Object)
}

type admission struct {
	ev policy.Evaluator
	// emulate is the live API server's minor version: "latest" there
	// means its checks, not the library's newest.
	emulate *api.Version
}

type admissionKey struct{}

func admissionFor(inv *inventory.Inventory) *admission {
	return inv.Derived(admissionKey{}, func(inv *inventory.Inventory) any {
		a := &admission{}
		if ci := inv.ClusterInfo(); ci != nil {
			if v, err := utilversion.ParseGeneric(ci.Server.GitVersion); err == nil {
				av := api.MajorMinorVersion(int(v.Major()), int(v.Minor()))
				a.emulate = &av
			}
		}
		ev, err := policy.NewEvaluator(policy.DefaultChecks(), a.emulate)
		if err != nil {
			// Upstream's checks are validated by its tests: a failure is
			// a programming error, reported by the engine as a crash.
			panic(fmt.Sprintf("pod security evaluator: %v", err))
		}
		a.ev = ev
		return a
	}).(*admission)
}

// ParseEnforce reads --pss-enforce: LEVEL or LEVEL:VERSION (baseline,
// restricted:v1.30). Empty means not set.
func ParseEnforce(s string) (*api.LevelVersion, error) {
	if s == "" {
		return nil, nil
	}
	level, version, _ := strings.Cut(s, ":")
	if version == "" {
		version = "latest"
	}
	lv, err := LevelVersion(level, version)
	if err != nil {
		return nil, fmt.Errorf("%q: want LEVEL or LEVEL:VERSION, e.g. baseline or restricted:v1.30: %v", s, err)
	}
	return &lv, nil
}
