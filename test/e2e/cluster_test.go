package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

func namespace(t *testing.T, s *apiserver.Server, name string, labels map[string]string) {
	t.Helper()
	_, err := s.Client.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{})
	apiserver.Must(t, err)
}

func privileged(ns, name string) *corev1.Pod {
	p := pod(ns, name, nil)
	p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
	return p
}

func createPod(t *testing.T, s *apiserver.Server, p *corev1.Pod) {
	t.Helper()
	_, err := s.Client.CoreV1().Pods(p.Namespace).Create(context.Background(), p, metav1.CreateOptions{})
	apiserver.Must(t, err)
}

// subjects lists "namespace/name" of the findings of check.
func subjects(rep *report.Report, check string) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.CheckID == check {
			out = append(out, f.Subject.Namespace+"/"+f.Subject.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestForbiddenKindsAreNotAssessed scans as a user whose Role lets it read
// one namespace's workloads but not its ServiceAccounts, and nothing at
// cluster scope: the checks that needed what it could not read are
// reported as not assessed, never as passed, and the run is incomplete.
func TestForbiddenKindsAreNotAssessed(t *testing.T) {
	s := shared(t)
	ctx := context.Background()
	namespace(t, s, "team", nil)
	createPod(t, s, privileged("team", "debug"))
	ghost := pod("team", "ghost", nil)
	ghost.Spec.ServiceAccountName = "missing" // K8S-062 would fire if ServiceAccounts were read
	createPod(t, s, ghost)

	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "auditor"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"pods", "replicationcontrollers", "podtemplates", "services", "configmaps", "secrets", "limitranges", "resourcequotas"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io"}, Resources: []string{"*"}, Verbs: []string{"get", "list"}},
		},
	}
	_, err := s.Client.RbacV1().Roles("team").Create(ctx, role, metav1.CreateOptions{})
	apiserver.Must(t, err)
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: "auditor"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "auditor"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "auditor"}},
	}
	_, err = s.Client.RbacV1().RoleBindings("team").Create(ctx, rb, metav1.CreateOptions{})
	apiserver.Must(t, err)
	kubeconfig, _, err := s.AddUser("auditor")
	apiserver.Must(t, err)

	r := bulwarkJSON(t, "scan", "cluster", "--kubeconfig", kubeconfig, "-n", "team")
	if r.code != report.ExitError || r.rep.Summary.Result != "error" {
		t.Fatalf("exit %d, result %q: want 2 and error", r.code, r.rep.Summary.Result)
	}
	for kind, checks := range map[string][]string{
		"ServiceAccount": {"K8S-060", "K8S-062", "K8S-064"},
		"Node":           {"K8S-140", "K8S-141", "K8S-142", "K8S-143", "K8S-144", "K8S-145"},
		"Namespace":      {"K8S-034", "K8S-036"},
	} {
		c := coverage(t, r.rep, kind)
		if c.Status != report.CoverageNotRead || !strings.Contains(c.Reason, "forbidden") {
			t.Errorf("%s: status %q reason %q", kind, c.Status, c.Reason)
		}
		for _, id := range checks {
			if !slices.Contains(c.NotAssessed, id) {
				t.Errorf("%s: %s is not listed as not assessed (%v)", kind, id, c.NotAssessed)
			}
		}
	}
	if c := coverage(t, r.rep, "Pod"); c.Status != report.CoverageRead || c.Collected != 2 {
		t.Errorf("Pod coverage %+v", c)
	}
	// What could be read was assessed; what needed the rest did not run.
	if got := subjects(r.rep, "K8S-001"); !slices.Equal(got, []string{"team/debug"}) {
		t.Errorf("K8S-001 on %v", got)
	}
	for _, id := range []string{"K8S-060", "K8S-062", "K8S-064"} {
		if got := subjects(r.rep, id); len(got) > 0 {
			t.Errorf("%s ran without the ServiceAccounts it reads: %v", id, got)
		}
		if slices.ContainsFunc(r.rep.Checks, func(m report.Check) bool { return m.ID == id }) {
			t.Errorf("%s is listed among the checks that ran", id)
		}
	}
	var errs []string
	for _, e := range r.rep.Errors {
		errs = append(errs, e.Resource)
	}
	for _, p := range []string{"/api/v1/serviceaccounts", "/api/v1/nodes", "/api/v1/namespaces"} {
		if !slices.Contains(errs, p) {
			t.Errorf("no input error for %s in %v", p, errs)
		}
	}

	// The table says it too.
	tr := bulwark(t, "scan", "cluster", "--kubeconfig", kubeconfig, "-n", "team")
	for _, want := range []string{"Not read (", "ServiceAccount /api/v1/serviceaccounts: serviceaccounts is forbidden", "not assessed by K8S-060, K8S-062, ",
		"ERROR: ", "the verdict is incomplete"} {
		if !strings.Contains(tr.out, want) {
			t.Errorf("table output lacks %q:\n%s", want, tr.out)
		}
	}
}

// TestNamespaceFilter selects and excludes namespaces.
func TestNamespaceFilter(t *testing.T) {
	s := shared(t)
	for _, ns := range []string{"filter-a", "filter-b", "filter-c"} {
		namespace(t, s, ns, nil)
		createPod(t, s, privileged(ns, "debug"))
	}
	for _, tt := range []struct {
		args     []string
		want     []string // K8S-001 findings among the filter-* namespaces
		excluded []string // namespaces nothing may be reported in
	}{
		{[]string{"-n", "filter-a", "-n", "filter-b"}, []string{"filter-a/debug", "filter-b/debug"}, []string{"filter-c", "default"}},
		{[]string{"-n", "filter-a,filter-b", "--exclude-namespace", "filter-b"}, []string{"filter-a/debug"}, []string{"filter-b", "filter-c"}},
		{[]string{"--exclude-namespace", "filter-a", "--exclude-namespace", "filter-b"}, []string{"filter-c/debug"}, []string{"filter-a", "filter-b"}},
	} {
		r := bulwarkJSON(t, append([]string{"scan", "cluster", "--kubeconfig", s.Kubeconfig}, tt.args...)...)
		var got []string
		for _, sub := range subjects(r.rep, "K8S-001") {
			if strings.HasPrefix(sub, "filter-") {
				got = append(got, sub)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%v: K8S-001 on %v, want %v", tt.args, got, tt.want)
		}
		for _, f := range r.rep.Findings {
			ns := f.Subject.Namespace
			if f.Subject.Kind == "Namespace" {
				ns = f.Subject.Name
			}
			if slices.Contains(tt.excluded, ns) {
				t.Errorf("%v: finding in namespace %s: %s %s", tt.args, ns, f.CheckID, f.Subject)
			}
		}
	}
	r := bulwark(t, "scan", "cluster", "--kubeconfig", s.Kubeconfig, "-n", "filter-nope")
	if r.code != report.ExitError || !strings.Contains(r.err, `namespace "filter-nope" does not exist`) || r.out != "" {
		t.Errorf("unknown namespace: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}

// cutProxy forwards TCP connections to target until limit bytes have come
// back from it, then closes everything and refuses new connections: an
// API server that goes away in the middle of a scan.
type cutProxy struct {
	ln     net.Listener
	target string
	limit  int64
	sent   atomic.Int64
	mu     sync.Mutex
	conns  []net.Conn
	cut    chan struct{}
	once   sync.Once
}

func newCutProxy(t *testing.T, target string, limit int64) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	apiserver.Must(t, err)
	p := &cutProxy{ln: ln, target: target, limit: limit, cut: make(chan struct{})}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) close() {
	p.once.Do(func() {
		close(p.cut)
		p.ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c) }()
		go func() {
			buf := make([]byte, 16<<10)
			for {
				n, err := up.Read(buf)
				if n > 0 {
					if _, werr := c.Write(buf[:n]); werr != nil {
						return
					}
					if p.sent.Add(int64(n)) > p.limit {
						p.close()
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}

// TestAPIServerGoesAway cuts the connection to the API server in the
// middle of the listing: the scan ends with a clear error, exit 2, and
// writes no report.
func TestAPIServerGoesAway(t *testing.T) {
	s := shared(t)
	namespace(t, s, "churn", nil)
	for i := range 200 {
		createPod(t, s, pod("churn", fmt.Sprintf("p-%03d", i), nil))
	}
	u, err := url.Parse(s.Config.Host)
	apiserver.Must(t, err)
	proxy := newCutProxy(t, u.Host, 48<<10)
	kubeconfig, err := s.KubeconfigFor("https://" + proxy.ln.Addr().String())
	apiserver.Must(t, err)

	start := time.Now()
	r := bulwark(t, "scan", "cluster", "--kubeconfig", kubeconfig, "--page-size", "5", "-n", "churn", "--format", "json")
	select {
	case <-proxy.cut:
	default:
		t.Fatalf("the proxy never cut the connection (%d bytes sent); exit %d", proxy.sent.Load(), r.code)
	}
	if r.code != report.ExitError || r.out != "" {
		t.Fatalf("exit %d (want 2), stdout %d bytes (want none), stderr %q", r.code, len(r.out), r.err)
	}
	want := "bulwark: scan cluster https://" + proxy.ln.Addr().String() + ": "
	if !strings.HasPrefix(r.err, want) || strings.Count(r.err, "\n") != 1 {
		t.Errorf("stderr %q does not start with %q on one line", r.err, want)
	}
	t.Logf("after %s: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(r.err))
}

// TestTimeout gives up after --timeout.
func TestTimeout(t *testing.T) {
	s := shared(t)
	r := bulwark(t, "scan", "cluster", "--kubeconfig", s.Kubeconfig, "--timeout", "1ns")
	if r.code != report.ExitError || !strings.Contains(r.err, "timed out after 1ns") || !strings.Contains(r.err, "raise --timeout") || r.out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}
