package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestExplainAccess(t *testing.T) {
	const example = "../../examples/insecure"
	tests := []struct {
		name string
		args []string
		says []string
	}{
		{"a workload's ServiceAccount", []string{"serviceaccount:pets:default", example}, []string{
			"ServiceAccount pets/default\n  authenticates as system:serviceaccount:pets:default\n  counted in groups: system:serviceaccounts, system:serviceaccounts:pets, system:authenticated\n",
			"  Cluster-wide\n    ClusterRoleBinding everyone-can-view → ClusterRole view (as Group system:authenticated)\n",
			"  In namespace pets\n    RoleBinding pets/default-sa-edit → ClusterRole edit (as ServiceAccount pets/default)\n",
			"      aggregated ClusterRole system:aggregate-to-view rules[2] (verbs=get,list,watch resources=namespaces)  (cluster-scoped: a RoleBinding grants none of it)\n",
			"  read Secrets in namespace pets (as ServiceAccount pets/default)\n    RoleBinding pets/default-sa-edit → ClusterRole edit → aggregated ClusterRole system:aggregate-to-edit rules[0]",
			"Escalation to cluster-admin\n  1. ServiceAccount pets/default can create pods or pod controllers in namespace pets and so acts as ServiceAccount pets/github-actions [RoleBinding pets/default-sa-edit",
			"  2. ServiceAccount pets/github-actions holds cluster-admin [ClusterRoleBinding pets-github-actions-admin → ClusterRole cluster-admin rules[0]",
			"  Deployment pets/order-service  ../../examples/insecure/orders-api.yaml:17:1  API token mounted; API server reachable: yes (NetworkPolicy pets/allow-all-egress spec.egress[0])\n",
		}},
		{"the node agent climbs through nodes/proxy", []string{"sa:kube-system:fluent-bit", example}, []string{
			"  1. ServiceAccount kube-system/fluent-bit can exec into any pod through the kubelet API (nodes/proxy) cluster-wide (Deployment pets/makeline-service mounts its token) and so acts as ServiceAccount pets/default",
			"  3. ServiceAccount pets/github-actions holds cluster-admin",
			"  DaemonSet kube-system/fluent-bit  ../../examples/insecure/log-agent.yaml:31:1  API token mounted; API server reachable: yes (host network)\n",
		}},
		{"a user with an identity-provider group", []string{"user:alice@contoso.com", "--group", "00000000-0000-0000-0000-0000000000c1", example}, []string{
			"User alice@contoso.com\n  counted in groups: system:authenticated, 00000000-0000-0000-0000-0000000000c1\n",
			"  1. User alice@contoso.com can impersonate group system:masters, which is cluster-admin [ClusterRoleBinding pets-support → ClusterRole pets-support rules[4]",
		}},
		{"a user without bindings", []string{"user:bob", "../../examples/hardened"}, []string{
			"Effective rules\n  none: no binding in the scanned objects applies to it\n",
			"Dangerous rights\n  none\n",
			"Escalation to cluster-admin\n  none found in the scanned objects\n",
		}},
		{"the hardened twin's on-call group", []string{"group:00000000-0000-4000-8000-0000000000c1", "../../examples/hardened"}, []string{
			"    RoleBinding pets/pets-oncall-readonly → Role pets/pets-oncall-readonly (as Group 00000000-0000-4000-8000-0000000000c1)\n      rules[0] (verbs=get,list,watch resources=pods,pods/log,services,endpoints,events,configmaps)\n",
			"Dangerous rights\n  none\n",
			"Escalation to cluster-admin\n  none found in the scanned objects\n",
		}},
		{"a hardened workload's account", []string{"serviceaccount:pets:order-service", "../../examples/hardened"}, []string{
			"  Deployment pets/order-service  ../../examples/hardened/orders-api.yaml:46:1  no API token mounted; API server reachable: no\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, "", append([]string{"explain", "access"}, tt.args...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, s := range tt.says {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestExplainAccessErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"bad subject", []string{"explain", "access", "robot:x", "testdata/clean"}, `unknown kind "robot"`},
		{"no namespace", []string{"explain", "access", "serviceaccount:web", "testdata/clean"}, "want serviceaccount:NAMESPACE:NAME"},
		{"no path", []string{"explain", "access", "user:alice"}, "requires at least 2 arg(s)"},
		{"missing path", []string{"explain", "access", "user:alice", "testdata/nope"}, "testdata/nope"},
		{"malformed input prints only the problems", []string{"explain", "access", "user:alice", "testdata/malformed"}, "broken.yaml:5: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, "", tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.stderr)
			}
			if out != "" {
				t.Errorf("output on error: %q", out)
			}
		})
	}
}

func TestExplainAccessStdin(t *testing.T) {
	doc := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ci, namespace: ops}]
`
	code, out, _ := run(t, doc, "explain", "access", "sa:ops:ci", "-")
	if code != 0 || !strings.Contains(out, "  1. ServiceAccount ops/ci holds cluster-admin [ClusterRoleBinding ci → ClusterRole cluster-admin rules[0] (verbs=* resources=* apiGroups=*)]\n") ||
		!strings.Contains(out, "Workloads running as ServiceAccount ops/ci\n  none in the scanned objects\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// hostile is every kind of character that could drive a terminal or forge
// a line: ESC (colours, cursor moves), CR and LF (a new "line"), BEL and
// the right-to-left override.
const hostile = "\x1b[2J\r\nFAIL forged\a\u202e"

func assertNoControls(t *testing.T, where, s string) {
	t.Helper()
	for _, c := range []string{"\x1b", "\r", "\a", "\u202e", "\nFAIL forged"} {
		if strings.Contains(s, c) {
			t.Errorf("%s carries %q: %q", where, c, s)
		}
	}
}

func TestExplainAccessStripsControlCharacters(t *testing.T) {
	dir := t.TempDir()
	q := strconv.Quote(hostile)
	doc := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ` + q + `}
rules: [{apiGroups: [""], resources: [` + q + `], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ` + q + `}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ` + q + `}
subjects: [{kind: User, name: ` + q + `}]
`
	if err := os.WriteFile(filepath.Join(dir, "rbac.yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "explain", "access", "user:"+hostile, dir)
	if code != 0 || !strings.Contains(out, `FAIL forged`) || !strings.Contains(out, `\x1b[2J\r\nFAIL forged\x07\u202e`) {
		t.Fatalf("exit %d: %q %q", code, out, errOut)
	}
	assertNoControls(t, "explain access output", out)

	// A file that cannot be read is reported by name on stderr.
	bad := filepath.Join(dir, "bad"+strings.ReplaceAll(hostile, "/", "")+".yaml")
	if err := os.WriteFile(bad, []byte("kind: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "", "explain", "access", "user:x", dir)
	if code != 2 || !strings.Contains(errOut, "FAIL forged") {
		t.Fatalf("exit %d: %q", code, errOut)
	}
	assertNoControls(t, "explain access errors", errOut)
}
