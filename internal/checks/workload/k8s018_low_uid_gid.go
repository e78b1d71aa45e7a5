package workload

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-018 reads spec.securityContext.runAsUser and .runAsGroup and the same
// fields in every container's securityContext (init, regular, ephemeral).
// A container's own value wins; a pod-level value is reported once, at
// the pod field, naming the containers that inherit it, and only if some
// container does. 0 is root and left to K8S-017 (UID) and K8S-019 (GID).

const lowIDLimit = 10000

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-018", Title: "UID or GID at or below 10000", Severity: finding.SeverityLow, Area: "pod-security",
			Description: "User and group ids up to 10000 are the ones node accounts and system services use. A container running with such an id that escapes, " +
				"or that writes to a shared or host volume, acts as that node account: it can own or read the node's files, and it shares an identity with unrelated " +
				"containers that picked the same common id (1000 is the first user on most distributions). Ids above 10000 keep container processes apart from the node's accounts.",
			Remediation: "Run as a dedicated id above 10000 and build the image so that id owns what it needs:\n\n" +
				"    securityContext:\n      runAsNonRoot: true\n      runAsUser: 10001\n      runAsGroup: 10001",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2.6"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalLowUIDGID,
	})
}

// idSetting is a user or group id field that containers inherit from the
// pod's securityContext.
type idSetting struct {
	field string // runAsUser or runAsGroup
	what  string // "UID" or "GID"
	pod   func(*corev1.PodSecurityContext) *int64
	ctr   func(*corev1.SecurityContext) *int64
}

var (
	runAsUserSetting = idSetting{"runAsUser", "UID",
		func(s *corev1.PodSecurityContext) *int64 { return s.RunAsUser }, func(s *corev1.SecurityContext) *int64 { return s.RunAsUser }}
	runAsGroupSetting = idSetting{"runAsGroup", "GID",
		func(s *corev1.PodSecurityContext) *int64 { return s.RunAsGroup }, func(s *corev1.SecurityContext) *int64 { return s.RunAsGroup }}
)

func evalLowUIDGID(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	low := func(v int64) bool { return v > 0 && v <= lowIDLimit }
	for _, s := range []idSetting{runAsUserSetting, runAsGroupSetting} {
		forEffectiveID(ps, s, low, func(p *field.Path, v int64, who string, podLevel bool) {
			if podLevel {
				r.Fail(p, strconv.FormatInt(v, 10), "pod-level %s %d, at or below %d, applies to %s", s.field, v, lowIDLimit, who)
				return
			}
			r.Fail(p, strconv.FormatInt(v, 10), "%s runs as %s %d, at or below %d", who, s.what, v, lowIDLimit)
		})
	}
}

// forEffectiveID calls report for every place where setting s has a value
// bad accepts and that value takes effect: once per container that sets it
// (who names the container), and once for the pod-level value if any
// container inherits it (who lists those containers, podLevel is true).
func forEffectiveID(ps inventory.PodSpec, s idSetting, bad func(int64) bool, report func(p *field.Path, v int64, who string, podLevel bool)) {
	var podVal *int64
	if ps.Spec.SecurityContext != nil {
		podVal = s.pod(ps.Spec.SecurityContext)
	}
	var inheritors []string
	for _, c := range ps.Containers() {
		var v *int64
		if c.SecurityContext != nil {
			v = s.ctr(c.SecurityContext)
		}
		switch {
		case v != nil && bad(*v):
			report(c.Path.Child("securityContext", s.field), *v, containerRef(c), false)
		case v == nil && podVal != nil:
			inheritors = append(inheritors, containerRef(c))
		}
	}
	if podVal != nil && bad(*podVal) && len(inheritors) > 0 {
		report(ps.SpecPath.Child("securityContext", s.field), *podVal, strings.Join(inheritors, ", "), true)
	}
}
