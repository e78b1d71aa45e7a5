package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/version"
)

// Defaults of Options.
const (
	DefaultPageSize    = 500 // kubectl's chunk size
	DefaultConcurrency = 4
)

// lastApplied is the annotation kubectl apply keeps the applied object in.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Options configure a collection.
type Options struct {
	// Namespaces limits namespaced kinds to these namespaces; empty means
	// all. A namespace that does not exist is an error.
	Namespaces []string
	// ExcludeNamespaces are skipped, also when listed in Namespaces.
	ExcludeNamespaces []string
	// PageSize is the number of objects requested at a time (limit).
	PageSize int64
	// Concurrency bounds the list requests in flight.
	Concurrency int
	// Now is recorded as ClusterInfo.ObservedAt; zero means time.Now().
	Now time.Time
	// Progress, when set, is called after every page with the number of
	// objects of the kind read so far. Calls are serialized.
	Progress func(kind string, collected int)
}

// KindResult is what was read of one kind.
type KindResult struct {
	*Kind
	// Collected counts the objects read.
	Collected int
	// Controlled counts the objects not handed to the checks because a
	// workload controller that was also read owns them.
	Controlled int
	// NotServed means the API server does not serve the resource, so the
	// cluster has no such objects.
	NotServed bool
	// Err says why the kind could not be read, or not in every selected
	// namespace: the credentials may not list it. Checks that need the kind
	// cannot assess it.
	Err error
}

// Result is what was read from a cluster.
type Result struct {
	// Server is the API server's URL.
	Server string
	// Info is also in Objects, as the one ClusterInfo object.
	Info *inventory.ClusterInfo
	// Objects are handed to the checks: everything read except objects
	// evaluated through their controller.
	Objects []*inventory.Object
	// Kinds has one entry per kind in Kinds, in that order.
	Kinds []KindResult
}

// Collect reads the cluster cfg points at.
func Collect(ctx context.Context, cfg *rest.Config, opt Options) (*Result, error) {
	if opt.PageSize <= 0 {
		opt.PageSize = DefaultPageSize
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	c := &collector{opt: opt, exclude: map[string]bool{}, results: map[string]*kindState{}}
	for _, ns := range opt.ExcludeNamespaces {
		c.exclude[ns] = true
	}
	if len(opt.Namespaces) > 0 && !slices.ContainsFunc(opt.Namespaces, func(ns string) bool { return !c.exclude[ns] }) {
		return nil, errors.New("every namespace selected is also excluded: nothing to scan")
	}
	cl, err := newClients(cfg)
	if err != nil {
		return nil, err
	}
	c.clients = cl
	info, err := cl.typed.Discovery().ServerVersionWithContext(ctx)
	if err != nil {
		return nil, describe("reading the server version (/version)", err)
	}
	for _, k := range Kinds {
		c.results[k.Kind] = &kindState{res: KindResult{Kind: k}}
	}
	if err := c.run(ctx); err != nil {
		return nil, err
	}

	res := &Result{Server: cfg.Host, Info: &inventory.ClusterInfo{Server: *info, ObservedAt: opt.Now}}
	res.Objects = append(res.Objects, inventory.NewObject(
		metav1.TypeMeta{APIVersion: inventory.ClusterInfoAPIVersion, Kind: inventory.ClusterInfoKind},
		&metav1.ObjectMeta{Name: "cluster"}, res.Info, finding.Location{Resource: "/version"}, nil))
	c.assemble(res)
	return res, nil
}

func newClients(cfg *rest.Config) (*clients, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.UserAgent == "" {
		cfg.UserAgent = "bulwark/" + version.Version
	}
	if cfg.QPS == 0 && cfg.Burst == 0 && cfg.RateLimiter == nil {
		// kubectl's defaults; client-go's (5/10) would make a large
		// cluster's lists wait on the client, not on the server.
		cfg.QPS, cfg.Burst = 50, 300
	}
	// Deprecation warnings are about the API versions Bulwark requests,
	// not about the cluster; they would only clutter the output.
	cfg.WarningHandler = rest.NoWarnings{}
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("client configuration: %w", err)
	}
	typedCfg := rest.CopyConfig(cfg)
	// Protobuf decodes several times faster than JSON; every built-in kind
	// Bulwark lists supports it.
	typedCfg.ContentType = "application/vnd.kubernetes.protobuf"
	typedCfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cs, err := kubernetes.NewForConfigAndClient(typedCfg, hc)
	if err != nil {
		return nil, fmt.Errorf("client configuration: %w", err)
	}
	md, err := metadata.NewForConfigAndClient(metadata.ConfigFor(cfg), hc)
	if err != nil {
		return nil, fmt.Errorf("client configuration: %w", err)
	}
	return &clients{typed: cs, metadata: md}, nil
}

type kindState struct {
	res     KindResult
	entries []entry
}

type collector struct {
	opt     Options
	clients *clients
	exclude map[string]bool

	mu      sync.Mutex
	results map[string]*kindState
}

// task lists one kind, cluster-wide (ns "") or in one namespace.
type task struct {
	kind *Kind
	ns   string
	get  bool // get the namespace ns itself (Namespace kind with selected namespaces)
}

func (c *collector) tasks() []task {
	var included []string
	for _, ns := range c.opt.Namespaces {
		if !c.exclude[ns] && !slices.Contains(included, ns) {
			included = append(included, ns)
		}
	}
	var ts []task
	for _, k := range Kinds {
		switch {
		case len(c.opt.Namespaces) == 0:
			ts = append(ts, task{kind: k})
		case k.Kind == "Namespace":
			for _, ns := range included {
				ts = append(ts, task{kind: k, ns: ns, get: true})
			}
		case k.Namespaced:
			for _, ns := range included {
				ts = append(ts, task{kind: k, ns: ns})
			}
		default:
			ts = append(ts, task{kind: k})
		}
	}
	return ts
}

func (c *collector) run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opt.Concurrency)
	for _, t := range c.tasks() {
		g.Go(func() error { return c.do(ctx, t) })
	}
	return g.Wait()
}

func (c *collector) do(ctx context.Context, t task) error {
	what := "listing " + t.kind.GroupResource()
	if t.ns != "" {
		what += " in namespace " + t.ns
	}
	var (
		items []entry
		err   error
	)
	if t.get {
		what = "reading namespace " + t.ns
		items, err = c.getNamespace(ctx, t.ns)
	} else {
		items, err = c.list(ctx, t, "")
		if err == nil && t.kind.MetadataOnly && t.kind.Kind == "Secret" {
			err = c.secretTypes(ctx, t, items)
		}
	}
	st := c.results[t.kind.Kind]
	switch {
	case err == nil:
	case apierrors.IsForbidden(err):
		c.mu.Lock()
		if st.res.Err == nil {
			st.res.Err = err
		}
		c.mu.Unlock()
		return nil
	case apierrors.IsNotFound(err) && !t.get:
		c.mu.Lock()
		st.res.NotServed = true
		c.mu.Unlock()
		return nil
	case apierrors.IsNotFound(err):
		return fmt.Errorf("namespace %q does not exist", t.ns)
	default:
		return describe(what, err)
	}
	c.mu.Lock()
	st.entries = append(st.entries, items...)
	c.mu.Unlock()
	return nil
}

func (c *collector) getNamespace(ctx context.Context, name string) ([]entry, error) {
	ns, err := c.clients.typed.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	clean(&ns.ObjectMeta)
	c.progress("Namespace", 1)
	return []entry{{meta: &ns.ObjectMeta, typed: ns}}, nil
}

// clean drops, as soon as an object is decoded, what is not its state:
// managedFields (often as large as the object) and the kubectl
// last-applied-configuration annotation (a copy of the object as applied,
// which on a Secret holds its values).
//
// It writes nothing to an object already clean: the operator hands
// Assemble objects its watch cache shares (shallow copies, maps shared).
func clean(m *metav1.ObjectMeta) {
	if m.ManagedFields != nil {
		m.ManagedFields = nil
	}
	if _, ok := m.Annotations[lastApplied]; ok {
		delete(m.Annotations, lastApplied)
	}
}

// list reads every page of one list. A continue token that expired (the
// list outlived etcd's compaction window) restarts the list: a list mixed
// from two snapshots could miss objects or see one twice.
func (c *collector) list(ctx context.Context, t task, selector string) ([]entry, error) {
	opts := metav1.ListOptions{Limit: c.opt.PageSize, FieldSelector: c.excludeSelector(t)}
	if selector != "" {
		opts.FieldSelector = strings.Trim(opts.FieldSelector+","+selector, ",")
	}
	var out []entry
	for restarts := 0; ; {
		p, err := t.kind.list(ctx, c.clients, t.ns, opts)
		if err != nil {
			if apierrors.IsResourceExpired(err) && opts.Continue != "" && restarts < 3 {
				restarts++
				c.progress(t.kind.Kind, -len(out))
				out, opts.Continue = out[:0], ""
				continue
			}
			return nil, err
		}
		n := 0
		for _, e := range p.items {
			if c.excluded(t.kind, e.meta) {
				continue
			}
			clean(e.meta)
			out = append(out, e)
			n++
		}
		c.progress(t.kind.Kind, n)
		if p.cont == "" {
			return out, nil
		}
		opts.Continue = p.cont
	}
}

// secretTypes turns the Secrets' metadata into *corev1.Secret values that
// hold it, plus the type where it matters to the checks: a second
// metadata-only list, filtered on the server by type, finds the
// service account token Secrets (long-lived API credentials). Other
// Secrets are left with an empty type, meaning unknown. Data is never
// requested.
func (c *collector) secretTypes(ctx context.Context, t task, items []entry) error {
	tokens, err := c.list(ctx, t, fields.OneTermEqualSelector("type", string(corev1.SecretTypeServiceAccountToken)).String())
	if err != nil {
		return err
	}
	// The second list counts again in the progress: take it back.
	c.progress(t.kind.Kind, -len(tokens))
	isToken := map[types.UID]bool{}
	for _, e := range tokens {
		isToken[e.meta.UID] = true
	}
	for i, e := range items {
		s := SecretOf(e.meta, isToken[e.meta.UID])
		items[i] = entry{meta: &s.ObjectMeta, typed: s}
	}
	return nil
}

// excludeSelector filters excluded namespaces on the server, so their
// objects are not even sent. excluded repeats the filter on the client.
func (c *collector) excludeSelector(t task) string {
	if len(c.exclude) == 0 || t.ns != "" {
		return ""
	}
	field := "metadata.namespace"
	switch {
	case t.kind.Kind == "Namespace":
		field = "metadata.name"
	case !t.kind.Namespaced:
		return ""
	}
	var sels []fields.Selector
	for _, ns := range slices.Sorted(maps.Keys(c.exclude)) {
		sels = append(sels, fields.OneTermNotEqualSelector(field, ns))
	}
	return fields.AndSelectors(sels...).String()
}

func (c *collector) excluded(k *Kind, m *metav1.ObjectMeta) bool {
	switch {
	case k.Kind == "Namespace":
		return c.exclude[m.Name]
	case k.Namespaced:
		return c.exclude[m.Namespace]
	}
	return false
}

func (c *collector) progress(kind string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.results[kind]
	st.res.Collected += n
	if c.opt.Progress != nil {
		c.opt.Progress(kind, st.res.Collected)
	}
}

// controllerKinds are the kinds whose objects own the pods (or the
// ReplicaSets and Jobs) they create, with the pod template that is
// evaluated in their place.
var controllerKinds = map[string]bool{
	"Deployment": true, "ReplicaSet": true, "StatefulSet": true, "DaemonSet": true,
	"Job": true, "CronJob": true, "ReplicationController": true,
}

// assemble turns the entries into inventory objects, in Kinds order and
// sorted by namespace and name within a kind.
func (c *collector) assemble(res *Result) {
	controllers := map[types.UID]string{}
	for _, k := range Kinds {
		st := c.results[k.Kind]
		slices.SortFunc(st.entries, func(a, b entry) int {
			return cmp.Or(cmp.Compare(a.meta.Namespace, b.meta.Namespace), cmp.Compare(a.meta.Name, b.meta.Name))
		})
		if controllerKinds[k.Kind] {
			for _, e := range st.entries {
				controllers[e.meta.UID] = k.Kind
			}
		}
	}
	for _, k := range Kinds {
		st := c.results[k.Kind]
		gvk := k.groupVersionKind()
		for _, e := range st.entries {
			if ro, ok := e.typed.(runtime.Object); ok {
				ro.GetObjectKind().SetGroupVersionKind(gvk)
			}
			o := inventory.NewObject(metav1.TypeMeta{APIVersion: k.APIVersion(), Kind: k.Kind}, e.meta, e.typed,
				finding.Location{Resource: k.Path(e.meta.Namespace, e.meta.Name)}, nil)
			if ref := metav1.GetControllerOfNoCopy(e.meta); ref != nil && isWorkload(k.Kind) && controllers[ref.UID] == ref.Kind {
				st.res.Controlled++
				if k.Kind == "Pod" {
					res.Info.ControlledPods = append(res.Info.ControlledPods, o)
				}
				continue
			}
			res.Objects = append(res.Objects, o)
		}
		st.res.Collected = len(st.entries)
		st.entries = nil
		res.Kinds = append(res.Kinds, st.res)
	}
}

func isWorkload(kind string) bool { return slices.Contains(inventory.WorkloadKinds, kind) }

// describe wraps a failure that ends the collection with what was being
// done and, where it helps, what to do about it.
func describe(what string, err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w", what, err)
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("%s: the API server rejected the credentials (401 Unauthorized); refresh them "+
			"(for AKS: az aks get-credentials, and kubelogin for Microsoft Entra ID clusters): %w", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// SecretOf is a Secret holding only the metadata read through the
// metadata API, and the type where it matters to the checks (a service
// account token: a long-lived API credential). Any other Secret has an
// empty type, meaning unknown. Data is never read.
func SecretOf(m *metav1.ObjectMeta, token bool) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: *m}
	if token {
		s.Type = corev1.SecretTypeServiceAccountToken
	}
	return s
}

// Assemble makes a Result of objects read some other way than Collect (the
// operator's watch cache): objects holds, per kind name of Kinds, typed
// objects as Collect hands them over (Secrets made by SecretOf); errs says
// why a kind could not be read. The objects are owned by the Result from
// then on: their metadata is cleaned in place.
func Assemble(server string, info *inventory.ClusterInfo, objects map[string][]runtime.Object, errs map[string]error) (*Result, error) {
	c := &collector{results: map[string]*kindState{}}
	for _, k := range Kinds {
		st := &kindState{res: KindResult{Kind: k, Err: errs[k.Kind]}}
		for _, o := range objects[k.Kind] {
			acc, ok := o.(metav1.ObjectMetaAccessor)
			if !ok {
				return nil, fmt.Errorf("%T has no object metadata", o)
			}
			m, ok := acc.GetObjectMeta().(*metav1.ObjectMeta)
			if !ok {
				return nil, fmt.Errorf("%T has no object metadata", o)
			}
			clean(m)
			st.entries = append(st.entries, entry{meta: m, typed: o})
		}
		c.results[k.Kind] = st
	}
	res := &Result{Server: server, Info: info}
	res.Objects = append(res.Objects, inventory.NewObject(
		metav1.TypeMeta{APIVersion: inventory.ClusterInfoAPIVersion, Kind: inventory.ClusterInfoKind},
		&metav1.ObjectMeta{Name: "cluster"}, info, finding.Location{Resource: "/version"}, nil))
	c.assemble(res)
	return res, nil
}
