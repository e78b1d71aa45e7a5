package imagescan

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Use is one place an image is used: a container of a workload.
type Use struct {
	Subject  finding.Subject  `json:"subject"`
	Field    string           `json:"field"`
	Location finding.Location `json:"location"`
	// Running is the digest the container runs (sha256:…), read from the
	// pod's status.containerStatuses[].imageID; empty for manifests.
	Running string `json:"running,omitempty"`
}

// Target is one image reference to assess, with where it is used.
type Target struct {
	// Ref is the reference as written (tag, digest or both).
	Ref  string `json:"ref"`
	Uses []Use  `json:"uses,omitempty"`
}

// Running returns the distinct digests the target's containers run.
func (t Target) Running() []string {
	var out []string
	for _, u := range t.Uses {
		if u.Running != "" && !slices.Contains(out, u.Running) {
			out = append(out, u.Running)
		}
	}
	slices.Sort(out)
	return out
}

// Targets collects the images of the workloads in objs, one target per
// reference in order of first use. pods are Pods judged through their
// controller (scan cluster keeps them apart): they add the digests running
// containers were pulled at, credited to the pod.
func Targets(objs, pods []*inventory.Object) []Target {
	idx := map[string]int{}
	var out []Target
	add := func(ref string, u Use) {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			return
		}
		i, ok := idx[ref]
		if !ok {
			i = len(out)
			idx[ref] = i
			out = append(out, Target{Ref: ref})
		}
		out[i].Uses = append(out[i].Uses, u)
	}
	visit := func(o *inventory.Object) {
		ps, ok := o.PodSpec()
		if !ok {
			return
		}
		running := runningDigests(o)
		for _, c := range ps.Containers() {
			p := c.Path.Child("image").String()
			add(c.Image, Use{Subject: o.Subject(), Field: p, Location: o.Locate(p), Running: running[c.Name]})
		}
	}
	for _, o := range objs {
		visit(o)
	}
	for _, o := range pods {
		visit(o)
	}
	return out
}

// runningDigests maps container names to the digest in their imageID.
func runningDigests(o *inventory.Object) map[string]string {
	pod, ok := o.Typed.(*corev1.Pod)
	if !ok {
		return nil
	}
	m := map[string]string{}
	for _, list := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses, pod.Status.EphemeralContainerStatuses} {
		for _, st := range list {
			if d := DigestOf(st.ImageID); d != "" {
				m[st.Name] = d
			}
		}
	}
	return m
}

// DigestOf extracts the registry digest from an imageID as container
// runtimes write it: "docker.io/library/nginx@sha256:…" or
// "docker-pullable://…@sha256:…". A bare "sha256:…" is the image's config
// id (a locally loaded image), not what a registry serves, so it gives "":
// comparing it with a manifest digest would report drift that is not there.
func DigestOf(imageID string) string {
	i := strings.LastIndex(imageID, "@")
	if i < 0 {
		return ""
	}
	d := imageID[i+1:]
	if strings.HasPrefix(d, "sha256:") && len(d) == len("sha256:")+64 {
		return d
	}
	return ""
}
