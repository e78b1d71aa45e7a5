package cluster

import (
	"slices"
	"strings"
	"testing"
)

func TestNodeNotReady(t *testing.T) {
	node := func(spec, conditions string) string {
		return "apiVersion: v1\nkind: Node\nmetadata: {name: aks-np-1}\nspec: {" + spec + "}\nstatus:\n  conditions: " + conditions + "\n"
	}
	tests := []struct {
		name   string
		doc    string
		fields []string
		msg    string
	}{
		{"ready", node("", `[{type: MemoryPressure, status: "False"}, {type: Ready, status: "True"}]`), []string{}, ""},
		{"not ready", node("", `[{type: MemoryPressure, status: "False"}, {type: Ready, status: "False", reason: KubeletNotReady, lastTransitionTime: "2026-11-23T09:00:00Z"}]`),
			[]string{"status.conditions[1].status"}, `node "aks-np-1" is not Ready (Ready=False, reason KubeletNotReady) since 2026-11-23T09:00:00Z, 3 days before the scan`},
		{"unknown", node("", `[{type: Ready, status: Unknown, reason: NodeStatusUnknown}]`), []string{"status.conditions[0].status"}, "Ready=Unknown"},
		{"never reported", node("", `[]`), []string{"status.conditions"}, "no Ready condition"},
		{"cordoned", node("unschedulable: true", `[{type: Ready, status: "True"}]`), []string{"spec.unschedulable"}, "is cordoned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := run(t, "K8S-145", tt.doc, live(t, "v1.37.2", ""))
			if got := fieldsOf(fs); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v, want %v", got, tt.fields)
			}
			if tt.msg != "" && !strings.Contains(fs[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", fs[0].Message, tt.msg)
			}
		})
	}
}
