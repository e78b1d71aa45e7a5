package pss

import (
	"sync"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

var (
	upstream    = policy.DefaultChecks()
	maxVersion  = newestVersion(upstream)
	activeCache sync.Map // api.LevelVersion -> map[policy.CheckID]policy.CheckPodFn
)

func newestVersion(checks []policy.Check) api.Version {
	v := api.MajorMinorVersion(1, 0)
	for _, c := range checks {
		if last := c.Versions[len(c.Versions)-1].MinimumVersion; v.Older(last) {
			v = last
		}
	}
	return v
}

// Active returns the check functions that apply at lv, keyed by PSS check
// id, following the upstream evaluator's version selection exactly.
//
// One deliberate difference: at the restricted level the upstream evaluator
// skips the baseline checks that restricted checks override (hostPath
// volumes, baseline capabilities, seccomp Unconfined, procMount), because
// each restricted check is a superset of the one it overrides. Bulwark keeps
// them: the verdict is the same (whenever the baseline check fails, so does
// its stricter twin), but a hostPath volume must stay a high finding at the
// stricter level instead of becoming only a low "volume type" one.
func Active(lv api.LevelVersion) map[policy.CheckID]policy.CheckPodFn {
	if lv.Version.Latest() || maxVersion.Older(lv.Version) {
		lv.Version = maxVersion
	}
	if m, ok := activeCache.Load(lv); ok {
		return m.(map[policy.CheckID]policy.CheckPodFn)
	}
	m := map[policy.CheckID]policy.CheckPodFn{}
	if lv.Level == api.LevelPrivileged {
		activeCache.Store(lv, m)
		return m
	}
	for _, c := range upstream {
		if c.Level == api.LevelRestricted && lv.Level != api.LevelRestricted {
			continue
		}
		vc, ok := versionFor(c, lv.Version)
		if !ok {
			continue
		}
		m[c.ID] = vc.CheckPod
	}
	activeCache.Store(lv, m)
	return m
}

// versionFor picks the newest revision of c not newer than v.
func versionFor(c policy.Check, v api.Version) (policy.VersionedCheck, bool) {
	var picked policy.VersionedCheck
	found := false
	for _, vc := range c.Versions {
		if v.Older(vc.MinimumVersion) {
			break
		}
		picked, found = vc, true
	}
	return picked, found
}

// Level reports the level an upstream check belongs to.
func Level(id policy.CheckID) api.Level {
	for _, c := range upstream {
		if c.ID == id {
			return c.Level
		}
	}
	return ""
}
