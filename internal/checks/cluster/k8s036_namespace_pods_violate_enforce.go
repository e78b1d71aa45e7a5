package cluster

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-036 reads a Namespace's pod-security.kubernetes.io/enforce and
// enforce-version labels and the metadata and spec of every Pod running in
// it (those handed to the checks and inventory.ClusterInfo.ControlledPods),
// and reports a namespace whose running pods would be rejected at the level
// it enforces. The pods are evaluated by the upstream Pod Security library
// (k8s.io/pod-security-admission/policy), emulating the API server's own
// minor version when the cluster's is known, exactly as the admission
// plugin does when the label is changed (EvaluatePodsInNamespace). Invalid
// labels are K8S-034's; privileged namespaces admit every pod. Objects read
// from files are not judged: nothing runs there yet.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-036", Title: "Running pods violate their namespace's enforced Pod Security level", Severity: finding.SeverityHigh, Area: "namespaces",
			Description: "Pod Security admission checks a pod only when it is created. Pods that were running before the namespace was labelled, or that were admitted " +
				"through an exemption, keep running whatever they do, so a namespace that declares restricted may in fact run privileged pods: the label gives a " +
				"false sense of safety. The same pods will also be rejected the next time they are recreated (a node upgrade, a drain, a rollout), which turns into an outage.",
			Remediation: "Fix the pods' controllers so that their pods meet the level (the finding lists the violations, as the API server reports them), then restart them; " +
				"or, if the workload truly needs more, move it to a namespace with a lower level instead of weakening this one. Preview a level with:\n\n" +
				"    kubectl label --dry-run=server --overwrite ns NAME pod-security.kubernetes.io/enforce=restricted",
			Controls:   check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2"}, Practice: "container"},
			Kinds:      []string{"Namespace"},
			Sources:    []check.Source{check.Cluster},
			SourceNote: liveOnly,
			Reads:      []string{"Pod"},
		},
		Eval: evalNamespacePodsViolateEnforce,
	})
}

// maxReasons bounds the distinct violations one finding lists.
const maxReasons = 3

func evalNamespacePodsViolateEnforce(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	pol, errs := api.PolicyToEvaluate(obj.Meta.Labels, api.Policy{
		Enforce: api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
		Audit:   api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
		Warn:    api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()},
	})
	if len(errs) > 0 || pol.Enforce.Level == api.LevelPrivileged || ctx.Inventory.ClusterInfo() == nil {
		return // invalid labels are K8S-034's; files hold no running pods
	}
	pods := podsByNamespace(ctx.Inventory)[obj.Meta.Name]
	if len(pods) == 0 {
		return
	}
	ev := evaluator(ctx.Inventory)
	type violation struct {
		first string // alphabetically first pod with it
		count int
	}
	byReason := map[string]*violation{}
	bad := 0
	for _, p := range pods {
		res := policy.AggregateCheckResults(ev.EvaluatePod(pol.Enforce, &p.ObjectMeta, &p.Spec))
		if res.Allowed {
			continue
		}
		bad++
		reason := res.ForbiddenReason()
		v, ok := byReason[reason]
		if !ok {
			v = &violation{first: p.Name}
			byReason[reason] = v
		}
		if p.Name < v.first {
			v.first = p.Name
		}
		v.count++
	}
	if bad == 0 {
		return
	}
	reasons := make([]string, 0, len(byReason))
	for reason := range byReason {
		reasons = append(reasons, reason)
	}
	sort.Strings(reasons)
	var parts []string
	for i, reason := range reasons {
		if i == maxReasons {
			parts = append(parts, fmt.Sprintf("and %d more", len(reasons)-maxReasons))
			break
		}
		v := byReason[reason]
		who := v.first
		switch v.count {
		case 1:
		case 2:
			who += " (and 1 other pod)"
		default:
			who += fmt.Sprintf(" (and %d other pods)", v.count-1)
		}
		parts = append(parts, who+": "+reason)
	}
	r.Fail(field.NewPath("metadata", "labels").Key(api.EnforceLevelLabel), fmt.Sprintf("%d of %d pods", bad, len(pods)),
		"%d of the %d pods running in namespace %q violate the Pod Security level it enforces (%s), which admits them only because they predate the label or were exempted: %s",
		bad, len(pods), obj.Meta.Name, pol.Enforce.String(), strings.Join(parts, "; "))
}

type podsKey struct{}

// podsByNamespace indexes every running Pod, evaluated or controlled, by
// namespace, once per inventory.
func podsByNamespace(inv *inventory.Inventory) map[string][]*corev1.Pod {
	return inv.Derived(podsKey{}, func(inv *inventory.Inventory) any {
		m := map[string][]*corev1.Pod{}
		add := func(o *inventory.Object) {
			if p, ok := o.Typed.(*corev1.Pod); ok {
				m[p.Namespace] = append(m[p.Namespace], p)
			}
		}
		for _, o := range inv.OfKind("Pod") {
			add(o)
		}
		if ci := inv.ClusterInfo(); ci != nil {
			for _, o := range ci.ControlledPods {
				add(o)
			}
		}
		return m
	}).(map[string][]*corev1.Pod)
}

type evaluatorKey struct{}

// evaluator is the upstream evaluator, emulating the API server's minor
// version when the inventory knows it: "latest" means that version's
// checks, not the library's.
func evaluator(inv *inventory.Inventory) policy.Evaluator {
	return inv.Derived(evaluatorKey{}, func(inv *inventory.Inventory) any {
		var emulate *api.Version
		if ci := inv.ClusterInfo(); ci != nil {
			if v, ok := serverVersion(ci); ok {
				av := api.MajorMinorVersion(int(v.Major()), int(v.Minor()))
				emulate = &av
			}
		}
		ev, err := policy.NewEvaluator(policy.DefaultChecks(), emulate)
		if err != nil {
			// The upstream checks are validated by upstream tests; failing
			// here is a programming error the engine reports as a crash.
			panic(fmt.Sprintf("pod security evaluator: %v", err))
		}
		return ev
	}).(policy.Evaluator)
}
