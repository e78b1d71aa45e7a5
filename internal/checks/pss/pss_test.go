package pss

import (
	"slices"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

const hostPathPod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: x
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
  volumes:
  - name: ok
    emptyDir: {}
  - name: host
    hostPath: {path: /mnt/data}
`

// A stricter level must never make a finding milder: at restricted the
// hostPath volume is still the high K8S-005, next to the low K8S-026.
func TestOverriddenBaselineChecksStillReport(t *testing.T) {
	for _, level := range []string{"baseline", "restricted"} {
		lv, err := LevelVersion(level, "latest")
		if err != nil {
			t.Fatal(err)
		}
		s := &check.Settings{PSS: lv}
		got := checktest.Fields(checktest.Run(t, "K8S-005", hostPathPod, s))
		if want := []string{"spec.volumes[1]"}; !slices.Equal(got, want) {
			t.Errorf("%s: K8S-005 at %v, want %v", level, got, want)
		}
		restricted := checktest.Run(t, "K8S-026", hostPathPod, s)
		if (len(restricted) == 1) != (level == "restricted") {
			t.Errorf("%s: K8S-026 findings %v", level, restricted)
		}
	}
}

func TestLocations(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      hostPID: true
      initContainers:
      - name: init
        image: x
      containers:
      - name: ok
        image: x
      - name: bad
        image: x
        securityContext:
          privileged: true
`
	for id, want := range map[string]string{
		"K8S-001": "test.yaml:17:11 spec.template.spec.containers[1].securityContext.privileged",
		"K8S-002": "test.yaml:7:7 spec.template.spec.hostPID",
		// Missing settings point at where to add them: the container.
		"K8S-015": "test.yaml:9:9 spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation",
	} {
		fs := checktest.Run(t, id, doc, nil)
		if len(fs) != 1 {
			t.Fatalf("%s: want one finding per PSS check, got %v", id, fs)
		}
		if got := fs[0].Location.String() + " " + fs[0].Field; got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
}

func TestPrivilegedLevelRunsNothing(t *testing.T) {
	s := &check.Settings{PSS: api.LevelVersion{Level: api.LevelPrivileged, Version: api.LatestVersion()}}
	if fs := checktest.Run(t, "K8S-001", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x, securityContext: {privileged: true}}]\n", s); len(fs) != 0 {
		t.Errorf("privileged level reported %v", fs)
	}
}

func TestOldVersionSelectsOldRules(t *testing.T) {
	// runAsUser: 0 is allowed by restricted before v1.23 (the check did not
	// exist yet) and forbidden from v1.23 on.
	doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 0}\n  containers: [{name: c, image: x}]\n"
	for version, want := range map[string]int{"v1.22": 0, "v1.23": 1, "latest": 1} {
		lv, err := LevelVersion("restricted", version)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(checktest.Run(t, "K8S-017", doc, &check.Settings{PSS: lv})); got != want {
			t.Errorf("%s: %d findings, want %d", version, got, want)
		}
	}
}
