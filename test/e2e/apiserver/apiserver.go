// Package apiserver runs a real Kubernetes control plane for end-to-end
// tests and benchmarks: etcd and kube-apiserver, built from the Go module
// proxy by hack/testenv.sh and started on loopback ports by
// controller-runtime's envtest. No controllers run: objects stay exactly as
// created (a Deployment gets no ReplicaSet, a Namespace is never deleted).
package apiserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// AssetsHint says how to get the binaries.
const AssetsHint = `the end-to-end tests need etcd and kube-apiserver: run eval "$(hack/testenv.sh)" ` +
	`(builds them once from the Go module proxy, about 10 minutes, then cached) and retry`

// Assets returns the folder holding etcd and kube-apiserver
// (KUBEBUILDER_ASSETS), or an error saying how to get them.
func Assets() (string, error) {
	dir := os.Getenv("KUBEBUILDER_ASSETS")
	if dir == "" {
		return "", errors.New("KUBEBUILDER_ASSETS is not set; " + AssetsHint)
	}
	for _, bin := range []string{"etcd", "kube-apiserver"} {
		if fi, err := os.Stat(filepath.Join(dir, bin)); err != nil || fi.IsDir() {
			return "", fmt.Errorf("KUBEBUILDER_ASSETS=%s has no %s; %s", dir, bin, AssetsHint)
		}
	}
	return dir, nil
}

// Server is a running control plane.
type Server struct {
	env *envtest.Environment
	dir string
	// Config is the admin's (system:masters) client configuration.
	Config *rest.Config
	// Kubeconfig is a file holding the admin's kubeconfig.
	Kubeconfig string
	Client     kubernetes.Interface
}

// Start starts a control plane for a test, or skips the test when the
// binaries are missing (fails instead under BULWARK_REQUIRE_TOOLS, as in
// hack/test.sh). It stops when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if _, err := Assets(); err != nil {
		if os.Getenv("BULWARK_REQUIRE_TOOLS") != "" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	s, err := New(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("stopping the control plane: %v", err)
		}
	})
	return s
}

// New starts a control plane; dir receives its kubeconfig files.
func New(dir string) (*Server, error) { return NewWithFlags(dir, nil) }

// StartWithFlags is Start with extra kube-apiserver flags (name without
// dashes → value), for a test that needs a control plane of its own: an
// audit webhook, an admission configuration.
func StartWithFlags(tb testing.TB, flags map[string]string) *Server {
	tb.Helper()
	if _, err := Assets(); err != nil {
		if os.Getenv("BULWARK_REQUIRE_TOOLS") != "" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	s, err := NewWithFlags(tb.TempDir(), flags)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("stopping the control plane: %v", err)
		}
	})
	return s
}

// NewWithFlags starts a control plane whose kube-apiserver gets flags
// besides envtest's.
func NewWithFlags(dir string, flags map[string]string) (*Server, error) {
	assets, err := Assets()
	if err != nil {
		return nil, err
	}
	// envtest logs through controller-runtime's logger, which otherwise
	// complains on stderr that it was never set.
	ctrllog.SetLogger(logr.Discard())
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	if len(flags) > 0 {
		args := env.ControlPlane.GetAPIServer().Configure()
		for k, v := range flags {
			args.Set(k, v)
		}
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting etcd and kube-apiserver from %s: %w", assets, err)
	}
	s := &Server{env: env, dir: dir, Config: cfg}
	quiet := rest.CopyConfig(cfg)
	quiet.WarningHandler = rest.NoWarnings{} // fixtures are odd on purpose
	if s.Client, err = kubernetes.NewForConfig(quiet); err != nil {
		_ = env.Stop()
		return nil, err
	}
	s.Kubeconfig = filepath.Join(dir, "admin.kubeconfig")
	if err := os.WriteFile(s.Kubeconfig, env.KubeConfig, 0o600); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return s, nil
}

// Stop stops the control plane and removes its data.
func (s *Server) Stop() error { return s.env.Stop() }

// AddUser provisions a user (authenticated by a client certificate, with
// no permissions beyond what RBAC objects grant it) and returns its
// kubeconfig file and client configuration.
func (s *Server) AddUser(name string, groups ...string) (string, *rest.Config, error) {
	u, err := s.env.ControlPlane.AddUser(envtest.User{Name: name, Groups: groups}, &rest.Config{QPS: 1000, Burst: 2000})
	if err != nil {
		return "", nil, err
	}
	kc, err := u.KubeConfig()
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(s.dir, name+".kubeconfig")
	if err := os.WriteFile(path, kc, 0o600); err != nil {
		return "", nil, err
	}
	return path, u.Config(), nil
}

// KubeconfigFor writes a copy of the admin kubeconfig that talks to server
// (an https://host:port URL) instead, for proxies in front of the API
// server.
func (s *Server) KubeconfigFor(server string) (string, error) {
	cfg, err := clientcmd.Load(s.env.KubeConfig)
	if err != nil {
		return "", err
	}
	for _, c := range cfg.Clusters {
		c.Server = server
	}
	path := filepath.Join(s.dir, "proxied.kubeconfig")
	return path, clientcmd.WriteToFile(*cfg, path)
}

// Ref names a loaded object.
type Ref struct{ Kind, Namespace, Name string }

func (r Ref) String() string { return r.Kind + "/" + r.Namespace + "/" + r.Name }

// Load creates the objects of the YAML or JSON manifests in paths (files or
// directories, recursively; multi-document files and kind: List allowed),
// Namespaces first. Objects of kinds the server does not serve (custom
// resources without their CRD) are not created and are returned as
// skipped.
func (s *Server) Load(ctx context.Context, paths ...string) (created, skipped []Ref, err error) {
	var objs []*unstructured.Unstructured
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ext := filepath.Ext(path); ext != ".yaml" && ext != ".yml" && ext != ".json" {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			decoded, err := Decode(data)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			objs = append(objs, decoded...)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return s.Create(ctx, objs)
}

// Decode splits manifests into objects, expanding kind: List.
func Decode(data []byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if m == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		if u.IsList() {
			l, err := u.ToList()
			if err != nil {
				return nil, err
			}
			for i := range l.Items {
				out = append(out, &l.Items[i])
			}
			continue
		}
		out = append(out, u)
	}
}

// Create creates objects, Namespaces first, then ServiceAccounts and
// everything else in order.
func (s *Server) Create(ctx context.Context, objs []*unstructured.Unstructured) (created, skipped []Ref, err error) {
	dc, err := discovery.NewDiscoveryClientForConfig(s.Config)
	if err != nil {
		return nil, nil, err
	}
	groups, err := restmapper.GetAPIGroupResources(dc)
	if err != nil {
		return nil, nil, err
	}
	mapper := restmapper.NewDiscoveryRESTMapper(groups)
	cfg := rest.CopyConfig(s.Config)
	cfg.WarningHandler = rest.NoWarnings{} // fixtures are odd on purpose
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	rank := func(u *unstructured.Unstructured) int {
		switch u.GetKind() {
		case "Namespace":
			return 0
		case "ServiceAccount":
			return 1
		}
		return 2
	}
	objs = slices.Clone(objs)
	slices.SortStableFunc(objs, func(a, b *unstructured.Unstructured) int { return rank(a) - rank(b) })
	for _, u := range objs {
		gvk := u.GroupVersionKind()
		ref := Ref{Kind: gvk.Kind, Namespace: u.GetNamespace(), Name: u.GetName()}
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if meta.IsNoMatchError(err) {
			skipped = append(skipped, ref)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			if u.GetNamespace() == "" {
				u.SetNamespace(metav1.NamespaceDefault)
				ref.Namespace = metav1.NamespaceDefault
			}
			ri = dyn.Resource(m.Resource).Namespace(u.GetNamespace())
		}
		if _, err := ri.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return nil, nil, fmt.Errorf("creating %s: %w", ref, err)
		}
		created = append(created, ref)
	}
	return created, skipped, nil
}

// Must fails tb on err: for the setup steps of tests.
func Must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
