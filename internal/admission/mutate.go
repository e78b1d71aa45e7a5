package admission

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
)

// PinLabel on a Namespace, set to "true", opts it in to digest pinning:
// the mutating webhook rewrites each image tag to the digest the image
// gate resolved and judged, so that what runs is what was checked (a tag
// moved between admission and the kubelet's pull would run an image
// nobody judged).
const PinLabel = "admission.bulwark.dev/pin-digests"

// Mutator returns the mutating webhook (served at /mutate): for requests
// in namespaces labelled PinLabel=true it answers a JSONPatch replacing
// each image tag by tag@digest. It never denies: an image it could not
// resolve is left as written, and the validating webhook, which the API
// server calls after every mutation, judges it with the failure mode.
func (h *Handler) Mutator() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.serve(w, r, h.mutate) })
}

type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value string `json:"value"`
}

func (h *Handler) mutate(ctx context.Context, req *admissionv1.AdmissionRequest) (*admissionv1.AdmissionResponse, string) {
	allow := &admissionv1.AdmissionResponse{Allowed: true}
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update || !h.pins(req.Namespace) {
		return allow, "allow"
	}
	obj, err := decode(req)
	if err != nil {
		h.failed("decode")
		return allow, "error"
	}
	a, err := h.service().Assess(ctx, obj)
	if err != nil || a == nil {
		return allow, "allow"
	}
	h.countImages(a)
	var ops []patchOp
	for _, p := range a.Pins {
		for _, u := range p.Uses {
			ops = append(ops, patchOp{Op: "replace", Path: pointer(u.Field), Value: p.Pinned()})
		}
	}
	if len(ops) == 0 {
		return allow, "allow"
	}
	patch, err := json.Marshal(ops)
	if err != nil {
		return allow, "error"
	}
	pt := admissionv1.PatchTypeJSONPatch
	allow.Patch, allow.PatchType = patch, &pt
	return allow, "mutate"
}

func (h *Handler) pins(namespace string) bool {
	if namespace == "" || h.Namespaces == nil {
		return false
	}
	labels, ok := h.Namespaces.Labels(namespace)
	return ok && labels[PinLabel] == "true"
}

// pointer turns a field path (spec.template.spec.containers[0].image) into
// a JSON pointer (/spec/template/spec/containers/0/image).
func pointer(field string) string {
	var b strings.Builder
	for _, part := range strings.Split(field, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name))
		if indexed {
			b.WriteString("/" + strings.TrimSuffix(idx, "]"))
		}
	}
	return b.String()
}
