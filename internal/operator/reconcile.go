package operator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"golang.org/x/time/rate"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	apimachineryversion "k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/bulwark-sec/bulwark/internal/baseline"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
)

// Queue keys besides namespace names (which can be neither).
const (
	clusterKey = ""  // the cluster report
	allKey     = "*" // every namespace, and the cluster
)

type reconciler struct {
	// ctx is the operator's: the registry credentials of the image
	// options live as long as it.
	ctx       context.Context
	cfg       Config
	errs      map[string]error
	server    string
	info      apimachineryversion.Info
	scheme    *runtime.Scheme
	reader    client.Reader // the watch cache
	tokens    cache.Cache   // service account token Secrets; nil when Secrets are not read
	writer    client.Client
	apiReader client.Reader
	m         *metrics

	svc      atomic.Pointer[scan.Service] // namespaces (with their images)
	cluster  atomic.Pointer[scan.Service] // the cluster report: no images
	policyRV atomic.Value                 // resourceVersion of the policy ConfigMap in force
	queue    atomic.Pointer[workqueue.TypedRateLimitingInterface[string]]
	loadOnce sync.Mutex
	loaded   bool
	mu       sync.Mutex
	seen     map[string]map[string]string // report scope -> fingerprint -> first seen
	written  map[string]string            // report scope -> hash of the content written
	counts   map[string]map[findingKey]int
}

// setPolicy builds the service with the policy of cm (nil: none).
func (r *reconciler) setPolicy(cm *corev1.ConfigMap) error {
	f := r.cfg.Flags
	if cm != nil {
		p, err := policyFrom(cm)
		if err != nil {
			return err
		}
		f.Policy = p
	}
	opt, _, err := scan.NewOptions(f)
	if err != nil {
		return err
	}
	// Verdicts are judged as of each evaluation, not of the start.
	if f.AsOf == "" {
		opt.Now = time.Time{}
	}
	if r.cfg.Images != nil {
		if opt.Images, err = scan.BuildImageOptions(r.ctx, *r.cfg.Images, opt.Policy, time.Now()); err != nil {
			return err
		}
	}
	svc, err := scan.NewClusterService(opt, "operator")
	if err != nil {
		return err
	}
	r.svc.Store(svc)
	// Images are those of namespaced workloads: the namespaces' reports
	// hold them, the cluster's does not judge them again.
	r.cluster.Store(svc.WithoutImages())
	if cm != nil {
		r.policyRV.Store(cm.ResourceVersion)
	}
	return nil
}

func (r *reconciler) isPolicy(k *cluster.Kind, o client.Object) bool {
	return k.Kind == "ConfigMap" && r.cfg.PolicyConfigMap != "" && o.GetNamespace() == r.cfg.Namespace && o.GetName() == r.cfg.PolicyConfigMap
}

// handler maps an event on an object of k to the report scopes it may
// change (see the package documentation).
func (r *reconciler) handler(k *cluster.Kind) handler.TypedEventHandler[client.Object, string] {
	type q = workqueue.TypedRateLimitingInterface[string]
	return handler.TypedFuncs[client.Object, string]{
		CreateFunc: func(_ context.Context, e event.TypedCreateEvent[client.Object], q q) { r.changed(q, k, e.Object) },
		UpdateFunc: func(_ context.Context, e event.TypedUpdateEvent[client.Object], q q) {
			r.changed(q, k, e.ObjectOld)
			r.changed(q, k, e.ObjectNew)
		},
		DeleteFunc:  func(_ context.Context, e event.TypedDeleteEvent[client.Object], q q) { r.changed(q, k, e.Object) },
		GenericFunc: func(_ context.Context, e event.TypedGenericEvent[client.Object], q q) { r.changed(q, k, e.Object) },
	}
}

func (r *reconciler) changed(q workqueue.TypedRateLimitingInterface[string], k *cluster.Kind, o client.Object) {
	if r.queue.Load() == nil {
		r.queue.CompareAndSwap(nil, &q)
	}
	d := r.cfg.Debounce
	if r.isPolicy(k, o) && o.GetResourceVersion() != r.policyRV.Load() {
		if cm, ok := o.(*corev1.ConfigMap); ok {
			if err := r.setPolicy(cm); err != nil {
				r.cfg.Log.Error(err, "the edited policy does not load; the previous one stays in force")
			} else {
				r.cfg.Log.Info("policy reloaded", "configmap", r.cfg.Namespace+"/"+r.cfg.PolicyConfigMap)
				q.AddAfter(allKey, d)
			}
		}
	}
	switch {
	case k.Namespaced:
		q.AddAfter(o.GetNamespace(), d)
		if rb, ok := o.(*rbacv1.RoleBinding); ok {
			for _, s := range rb.Subjects {
				if s.Kind == rbacv1.ServiceAccountKind && s.Namespace != "" {
					q.AddAfter(s.Namespace, d)
				}
			}
		}
	case k.Kind == "Namespace":
		// Its labels may be selected by NetworkPolicies elsewhere.
		q.AddAfter(o.GetName(), d)
		q.AddAfter(allKey, d)
	default:
		q.AddAfter(allKey, d)
	}
	q.AddAfter(clusterKey, r.cfg.ClusterDelay)
}

// kick queues every namespace once the queue is known.
func (r *reconciler) kick() {
	if q := r.queue.Load(); q != nil {
		(*q).Add(allKey)
	}
}

// Reconcile evaluates one report scope: a namespace, the cluster, or all.
func (r *reconciler) Reconcile(ctx context.Context, key string) (reconcile.Result, error) {
	if err := r.load(ctx); err != nil {
		return reconcile.Result{}, err
	}
	switch key {
	case allKey:
		return reconcile.Result{}, r.all(ctx)
	case clusterKey:
		return reconcile.Result{}, r.evaluate(ctx, clusterKey)
	}
	if r.errs["Namespace"] == nil {
		var ns corev1.Namespace
		err := r.reader.Get(ctx, client.ObjectKey{Name: key}, &ns)
		if isNotFound(err) || (err == nil && ns.DeletionTimestamp != nil) {
			// Its report goes with it.
			r.forget(key)
			return reconcile.Result{}, nil
		}
		if err != nil {
			return reconcile.Result{}, err
		}
	}
	return reconcile.Result{}, r.evaluate(ctx, key)
}

// all queues every namespace (from the cache of Namespaces or, when those
// cannot be read, from the namespaces of what can) and the cluster.
func (r *reconciler) all(ctx context.Context) error {
	q := r.queue.Load()
	if q == nil {
		return nil
	}
	names := map[string]bool{}
	if r.errs["Namespace"] == nil {
		var l corev1.NamespaceList
		if err := r.reader.List(ctx, &l); err != nil {
			return err
		}
		for _, ns := range l.Items {
			names[ns.Name] = true
		}
	} else {
		for _, k := range cluster.Kinds {
			if !k.Namespaced || r.errs[k.Kind] != nil {
				continue
			}
			l, err := newList(r.scheme, k)
			if err != nil {
				return err
			}
			if err := r.reader.List(ctx, l); err != nil {
				return err
			}
			items, _ := meta.ExtractList(l)
			for _, it := range items {
				if a, err := meta.Accessor(it); err == nil {
					names[a.GetNamespace()] = true
				}
			}
		}
	}
	for ns := range names {
		(*q).Add(ns)
	}
	(*q).Add(clusterKey)
	return nil
}

// read assembles what the cache holds for scope: a namespace's objects,
// every cluster-scoped object and every namespace's Roles and
// RoleBindings; for the cluster, everything.
func (r *reconciler) read(ctx context.Context, ns string) (*cluster.Result, error) {
	var tokens map[types.UID]bool
	objects := map[string][]runtime.Object{}
	for _, k := range cluster.Kinds {
		if r.errs[k.Kind] != nil {
			continue
		}
		l, err := newList(r.scheme, k)
		if err != nil {
			return nil, err
		}
		// The cache's objects, not copies of them: an evaluation reads
		// its objects and writes none (the transform set their kind and
		// cleaned them), and a copy of every object per evaluation was
		// most of the operator's peak memory.
		opts := []client.ListOption{client.UnsafeDisableDeepCopy}
		if ns != clusterKey && k.Namespaced && k.Kind != "Role" && k.Kind != "RoleBinding" {
			opts = append(opts, client.InNamespace(ns))
		}
		if err := r.reader.List(ctx, l, opts...); err != nil {
			return nil, fmt.Errorf("reading %s from the cache: %w", k.GroupResource(), err)
		}
		if k.MetadataOnly {
			if tokens == nil {
				if tokens, err = r.tokenUIDs(ctx, opts); err != nil {
					return nil, err
				}
			}
			for _, m := range l.(*metav1.PartialObjectMetadataList).Items {
				objects[k.Kind] = append(objects[k.Kind], cluster.SecretOf(&m.ObjectMeta, tokens[m.UID]))
			}
			continue
		}
		items, err := meta.ExtractList(l)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			// List items are copies of the cache's structs: setting the
			// kind on them changes nothing shared.
			it.GetObjectKind().SetGroupVersionKind(schemaGVK(k, k.Kind))
		}
		objects[k.Kind] = items
	}
	return cluster.Assemble(r.server, &inventory.ClusterInfo{Server: r.info, ObservedAt: time.Now()}, objects, r.errs)
}

func (r *reconciler) tokenUIDs(ctx context.Context, opts []client.ListOption) (map[types.UID]bool, error) {
	out := map[types.UID]bool{}
	if r.tokens == nil {
		return out, nil
	}
	l := secretMetadataList()
	if err := r.tokens.List(ctx, l, append(opts, client.UnsafeDisableDeepCopy)...); err != nil {
		return nil, fmt.Errorf("reading service account token Secrets from the cache: %w", err)
	}
	for _, m := range l.Items {
		out[m.UID] = true
	}
	return out, nil
}

// evaluate judges one scope and writes its report when it changed.
func (r *reconciler) evaluate(ctx context.Context, ns string) error {
	start := time.Now()
	res, err := r.read(ctx, ns)
	if err != nil {
		return err
	}
	sc := scope{namespace: ns}
	r.mu.Lock()
	entries := make([]baseline.Entry, 0, len(r.seen[ns]))
	for fp, first := range r.seen[ns] {
		entries = append(entries, baseline.Entry{Fingerprint: fp, FirstSeen: first, LastSeen: first})
	}
	r.mu.Unlock()
	svc := r.svc.Load()
	if ns == clusterKey {
		svc = r.cluster.Load()
	}
	rep, notes := svc.EvaluateRead(ctx, res, baseline.New(entries))
	c := contentOf(rep, sc, r.cfg.MaxResults, notes)
	seen := map[string]string{}
	for _, f := range rep.Findings {
		if sc.owns(f.Subject) && f.FirstSeen != "" {
			seen[f.Fingerprint] = f.FirstSeen
		}
	}
	label := "namespace"
	if ns == clusterKey {
		label = "cluster"
	}
	r.m.evaluation.WithLabelValues(label).Observe(time.Since(start).Seconds())
	if err := r.write(ctx, ns, c); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[ns] = seen
	r.m.update(r.counts[ns], c.counts)
	r.counts[ns] = c.counts
	return nil
}

func (r *reconciler) forget(ns string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m.update(r.counts[ns], nil)
	delete(r.counts, ns)
	delete(r.seen, ns)
	delete(r.written, ns)
}

// write creates or updates the report of scope ns, unless what it would
// hold is what was last written.
func (r *reconciler) write(ctx context.Context, ns string, c content) error {
	b, err := json.Marshal(struct {
		S openreports.ReportSummary
		R []openreports.ReportResult
		L openreports.Limits
	}{c.Summary, c.Results, c.Limits})
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	h := hex.EncodeToString(sum[:])
	r.mu.Lock()
	same := r.written[ns] == h
	r.mu.Unlock()
	if same {
		return nil
	}
	obj, mutate := reportObject(r.cfg.ReportFormat, ns, c)
	op, err := controllerutil.CreateOrUpdate(ctx, r.writer, obj, mutate)
	if err != nil {
		return fmt.Errorf("writing the report of %s: %w", scopeName(ns), err)
	}
	if op != controllerutil.OperationResultNone {
		r.m.writes.WithLabelValues(obj.GetObjectKind().GroupVersionKind().Kind).Inc()
	}
	r.mu.Lock()
	r.written[ns] = h
	r.mu.Unlock()
	return nil
}

func mergeLabels(l map[string]string) map[string]string {
	if l == nil {
		l = map[string]string{}
	}
	maps.Copy(l, reportLabels)
	return l
}

func scopeName(ns string) string {
	if ns == clusterKey {
		return "the cluster"
	}
	return "namespace " + ns
}

// load reads the first-seen dates of the reports written before (by an
// earlier run, or another replica), once, before anything is evaluated:
// grace periods count from when a finding first appeared in the cluster,
// not from when this process started. A date after today is not taken: a
// report edited to carry one would waive a finding for years.
func (r *reconciler) load(ctx context.Context) error {
	r.loadOnce.Lock()
	defer r.loadOnce.Unlock()
	if r.loaded {
		return nil
	}
	latest := time.Now().UTC().Add(baseline.Skew)
	keep := func(scope string, results []openreports.ReportResult) {
		for _, res := range results {
			fp, first := res.Properties[PropFingerprint], res.Properties[PropFirstSeen]
			if fp == "" || first == "" {
				continue
			}
			if t, err := policy.ParseDate(first); err != nil || t.After(latest) {
				continue
			}
			if r.seen[scope] == nil {
				r.seen[scope] = map[string]string{}
			}
			r.seen[scope][fp] = first
		}
	}
	written, err := listReports(ctx, r.apiReader, r.cfg.ReportFormat, "")
	if err != nil {
		return fmt.Errorf("reading the reports written before: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range written {
		keep(w.key(), w.results)
	}
	r.loaded = true
	return nil
}

func schemaGVK(k *cluster.Kind, kind string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: kind}
}

// rateLimiter bounds evaluations overall: 10 a second, bursts of 100 (the
// namespaces a resync queues at once wait their turn).
func rateLimiter() *rate.Limiter { return rate.NewLimiter(rate.Limit(10), 100) }
