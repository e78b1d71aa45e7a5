package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// pathNames are the attack paths of rep as the table prints them
// ("cluster-admin: Internet → ... → cluster-admin").
func pathNames(rep *report.Report) []string {
	var out []string
	for _, p := range rep.AttackPaths {
		nodes := []string{}
		for i, h := range p.Hops {
			if i == 0 {
				nodes = append(nodes, h.From)
			}
			nodes = append(nodes, h.To)
		}
		out = append(out, p.Jewel+": "+strings.Join(nodes, " → "))
	}
	return out
}

// TestAssessLiveCluster deploys the insecure example application to a real
// API server and assesses it live with the example AKS cluster: the path
// the README documents, from the public store-front Service through its
// Deployment and ServiceAccount to cluster-admin, is found in the objects
// the API server holds, as it is in the files.
func TestAssessLiveCluster(t *testing.T) {
	s := apiserver.Start(t)
	_, _, err := s.Load(context.Background(), "../../examples/insecure")
	apiserver.Must(t, err)

	const storeFront = "cluster-admin: Internet → Service pets/store-front → Deployment pets/store-front → ServiceAccount pets/default → cluster-admin"
	args := []string{"--aks", "../../examples/aks/default", "--as-of", "2026-11-26"}
	files := bulwarkJSON(t, append([]string{"assess", "../../examples/insecure"}, args...)...)
	live := bulwarkJSON(t, append([]string{"assess", "--kubeconfig", s.Kubeconfig}, args...)...)
	if live.code != report.ExitFail || live.rep.Summary.Result != "fail" {
		t.Fatalf("exit %d, result %s; errors %+v; stderr %s", live.code, live.rep.Summary.Result, live.rep.Errors, live.err)
	}
	if !slices.Contains(pathNames(live.rep), storeFront) {
		t.Errorf("live: no path %q in\n%s", storeFront, strings.Join(pathNames(live.rep), "\n"))
	}
	// Every path through the application in the files is there live.
	for _, name := range pathNames(files.rep) {
		if !slices.Contains(pathNames(live.rep), name) {
			t.Errorf("path in the files, not live: %s", name)
		}
	}
	if !slices.Contains(live.rep.Targets, strings.TrimSuffix(s.Config.Host, "/")) {
		t.Errorf("targets %v lack the API server %s", live.rep.Targets, s.Config.Host)
	}
	if len(live.rep.Coverage) == 0 {
		t.Error("a live read lists its coverage")
	}

	// A user who may read nothing cannot be assessed: never a pass.
	kubeconfig, _, err := s.AddUser("nobody")
	apiserver.Must(t, err)
	denied := bulwarkJSON(t, append([]string{"assess", "--kubeconfig", kubeconfig}, args...)...)
	if denied.code != report.ExitError || len(denied.rep.Errors) == 0 {
		t.Errorf("no permission: exit %d, errors %+v", denied.code, denied.rep.Errors)
	}
}
