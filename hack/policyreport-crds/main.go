// Command policyreport-crds writes the wgpolicyk8s.io/v1alpha2
// PolicyReport and ClusterPolicyReport CRDs of the Helm chart from the
// OpenReports CRDs it ships: OpenReports is the wg-policy PolicyReport
// renamed, and its results and summary are the same on the wire. What
// v1alpha2 does not have (a report-level source and configuration) is
// left out.
//
//	go run ./hack/policyreport-crds
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// dir holds crds/ (read) and policyreport-crds/ (written).
const dir = "deploy/helm/bulwark/files"

func main() {
	if err := generate(dir, filepath.Join(dir, "policyreport-crds")); err != nil {
		fmt.Fprintln(os.Stderr, "policyreport-crds:", err)
		os.Exit(1)
	}
}

// generate writes the PolicyReport CRDs derived from in/crds into out.
func generate(in, out string) error {
	for _, c := range []struct{ from, kind, plural, short string }{
		{"openreports.io_reports.yaml", "PolicyReport", "policyreports", "polr"},
		{"openreports.io_clusterreports.yaml", "ClusterPolicyReport", "clusterpolicyreports", "cpolr"},
	} {
		if err := convert(in, out, c.from, c.kind, c.plural, c.short); err != nil {
			return err
		}
	}
	return nil
}

func convert(in, outDir, from, kind, plural, short string) error {
	data, err := os.ReadFile(filepath.Join(in, "crds", from))
	if err != nil {
		return err
	}
	var crd map[string]any
	if err := yaml.Unmarshal(data, &crd); err != nil {
		return err
	}
	const group = "wgpolicyk8s.io"
	name := plural + "." + group
	crd["metadata"] = map[string]any{"name": name, "annotations": map[string]any{
		"bulwark.dev/derived-from": "github.com/openreports/reports-api v0.2.1 config/crd/" + from,
	}}
	spec := crd["spec"].(map[string]any)
	spec["group"] = group
	spec["names"] = map[string]any{"kind": kind, "listKind": kind + "List", "plural": plural, "singular": plural[:len(plural)-1], "shortNames": []any{short}}
	for _, v := range spec["versions"].([]any) {
		ver := v.(map[string]any)
		ver["name"] = "v1alpha2"
		schema := ver["schema"].(map[string]any)["openAPIV3Schema"].(map[string]any)
		schema["description"] = kind + " holds the results of policy checks (wgpolicyk8s.io/v1alpha2)."
		props := schema["properties"].(map[string]any)
		delete(props, "source")
		delete(props, "configuration")
	}
	out, err := yaml.Marshal(crd)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outDir, group+"_"+plural+".yaml"), append([]byte("---\n"), out...), 0o644)
}
