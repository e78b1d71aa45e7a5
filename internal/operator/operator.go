package operator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
	"github.com/bulwark-sec/bulwark/internal/version"
)

// Defaults of Config.
const (
	DefaultResync       = time.Hour
	DefaultDebounce     = 500 * time.Millisecond
	DefaultClusterDelay = 10 * time.Second
	DefaultWorkers      = 2
)

// Config configures the operator.
type Config struct {
	// Rest is the API server and credentials (in a pod: the service
	// account).
	Rest *rest.Config
	// Flags are the settings of the evaluation, as for scan cluster. The
	// policy comes from PolicyConfigMap when that is set.
	Flags scan.Flags
	// Namespace is the operator's own: where PolicyConfigMap and the
	// leader election lease are.
	Namespace string
	// PolicyConfigMap names a ConfigMap in Namespace holding the policy
	// under bulwark.yaml. It is watched: an edit re-judges every
	// namespace; an edit that does not load keeps the previous policy.
	PolicyConfigMap string
	// Images, when set, judges the images the workloads run from the
	// scan records of the shared image cache, as scan cluster
	// --images-from-cache does (ImageConfig.Operator is set). With
	// Images.Reverify, every namespace is re-judged once per interval, so
	// that signatures are verified and tags resolved again.
	Images *scan.ImageConfig
	// ReportFormat is FormatOpenReports (the default) or
	// FormatPolicyReport (wgpolicyk8s.io/v1alpha2).
	ReportFormat string
	// MaxResults bounds the results of one report (DefaultMaxResults).
	MaxResults int
	// Resync is how often every namespace is re-judged from the cache.
	Resync time.Duration
	// Debounce is how long a namespace waits after a change before it is
	// evaluated, so a burst of changes is one evaluation.
	Debounce time.Duration
	// ClusterDelay is the longest a change waits before the cluster report
	// is re-evaluated; it is also the least time between two of them.
	ClusterDelay time.Duration
	// Workers bounds the namespaces evaluated at once.
	Workers int
	// LeaderElection makes one replica of several do the work.
	LeaderElection bool
	// MetricsAddr serves /metrics and /healthz over HTTPS (a certificate
	// from MetricsCertDir, else a self-signed one); "0" serves nothing.
	MetricsAddr    string
	MetricsCertDir string
	Log            logr.Logger
}

func (c *Config) defaults() {
	if c.MaxResults <= 0 {
		c.MaxResults = DefaultMaxResults
	}
	if c.Resync <= 0 {
		c.Resync = DefaultResync
	}
	if c.Debounce <= 0 {
		c.Debounce = DefaultDebounce
	}
	if c.ClusterDelay <= 0 {
		c.ClusterDelay = DefaultClusterDelay
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.ReportFormat == "" {
		c.ReportFormat = FormatOpenReports
	}
	if c.MetricsAddr == "" {
		c.MetricsAddr = "0"
	}
}

// Scheme knows the kinds the operator reads and the reports it writes.
func Scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := openreports.Install(s); err != nil {
		return nil, err
	}
	if err := addPolicyReports(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Run runs the operator until ctx ends. Errors before the watches start
// (a policy that does not load, an API server that cannot be reached) are
// returned at once.
func Run(ctx context.Context, cfg Config) error {
	cfg.defaults()
	if !slices.Contains(ReportFormats, cfg.ReportFormat) {
		return fmt.Errorf("report format %q: want one of %s", cfg.ReportFormat, strings.Join(ReportFormats, ", "))
	}
	if cfg.PolicyConfigMap != "" && cfg.Namespace == "" {
		return errors.New("the policy ConfigMap needs the operator's namespace")
	}
	if cfg.LeaderElection && cfg.Namespace == "" {
		return errors.New("leader election needs the operator's namespace (for its lease)")
	}
	rc := rest.CopyConfig(cfg.Rest)
	if rc.UserAgent == "" {
		rc.UserAgent = "bulwark-operator/" + version.Version
	}
	if rc.QPS == 0 && rc.Burst == 0 {
		rc.QPS, rc.Burst = 20, 50
	}
	rc.WarningHandler = rest.NoWarnings{}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return fmt.Errorf("client configuration: %w", err)
	}
	info, err := cs.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("reading the server version (/version): %w", err)
	}
	errs, err := unreadable(ctx, cs)
	if err != nil {
		return err
	}
	for kind, e := range errs {
		cfg.Log.Info("kind not watched: its checks are reported as not assessed", "kind", kind, "reason", e.Error())
	}
	scheme, err := Scheme()
	if err != nil {
		return err
	}
	if cfg.Images != nil {
		ic := *cfg.Images
		ic.Operator = true
		cfg.Images = &ic
	}
	r := &reconciler{ctx: ctx, cfg: cfg, errs: errs, scheme: scheme, server: rc.Host, info: *info,
		seen: map[string]map[string]string{}, written: map[string]string{}, counts: map[string]map[findingKey]int{}}
	if cfg.PolicyConfigMap != "" {
		cm, err := cs.CoreV1().ConfigMaps(cfg.Namespace).Get(ctx, cfg.PolicyConfigMap, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("reading the policy ConfigMap %s/%s: %w", cfg.Namespace, cfg.PolicyConfigMap, err)
		}
		if err := r.setPolicy(cm); err != nil {
			return err
		}
	} else if err := r.setPolicy(nil); err != nil {
		return err
	}

	metricsOpts := metricsserver.Options{
		BindAddress:   cfg.MetricsAddr,
		SecureServing: true,
		CertDir:       cfg.MetricsCertDir,
		TLSOpts:       []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
		ExtraHandlers: map[string]http.Handler{"/healthz": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("ok\n"))
		})},
	}
	mgr, err := manager.New(rc, manager.Options{
		Scheme: scheme,
		Logger: cfg.Log,
		Cache: cache.Options{
			SyncPeriod:       &cfg.Resync,
			DefaultTransform: stripTransform,
		},
		Client: client.Options{Cache: &client.CacheOptions{
			// Reports are read only to write them: straight from the API
			// server, so the operator needs no watch on them.
			DisableFor: []client.Object{&openreports.Report{}, &openreports.ClusterReport{}, &PolicyReport{}, &ClusterPolicyReport{}},
		}},
		Metrics:                       metricsOpts,
		HealthProbeBindAddress:        "0",
		LeaderElection:                cfg.LeaderElection,
		LeaderElectionID:              "bulwark-operator",
		LeaderElectionNamespace:       cfg.Namespace,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return fmt.Errorf("starting the controller manager: %w", err)
	}
	r.reader, r.writer, r.apiReader = mgr.GetCache(), mgr.GetClient(), mgr.GetAPIReader()
	r.m = sharedMetrics()
	if errs["Secret"] == nil {
		// A second cache lists the service account token Secrets (type is
		// not in the metadata): the Secrets that are long-lived
		// credentials.
		tc, err := cache.New(rc, cache.Options{Scheme: scheme, Mapper: mgr.GetRESTMapper(), DefaultTransform: stripTransform,
			ByObject: map[client.Object]cache.ByObject{secretMetadata(): {
				Field: fields.OneTermEqualSelector("type", string(corev1.SecretTypeServiceAccountToken))}}})
		if err != nil {
			return err
		}
		if _, err := tc.GetInformer(ctx, secretMetadata()); err != nil {
			return err
		}
		if err := mgr.Add(tc); err != nil {
			return err
		}
		r.tokens = tc
	}
	c, err := controller.NewTyped[string]("bulwark", mgr, controller.TypedOptions[string]{
		Reconciler:              r,
		MaxConcurrentReconciles: cfg.Workers,
		// One operator per process, but the tests start it again.
		SkipNameValidation: ptr.To(true),
		RateLimiter: workqueue.NewTypedMaxOfRateLimiter(
			workqueue.NewTypedItemExponentialFailureRateLimiter[string](time.Second, 5*time.Minute),
			&workqueue.TypedBucketRateLimiter[string]{Limiter: rateLimiter()},
		),
	})
	if err != nil {
		return err
	}
	for _, k := range cluster.Kinds {
		if errs[k.Kind] != nil {
			continue
		}
		obj, err := newObject(scheme, k)
		if err != nil {
			return err
		}
		if err := c.Watch(source.TypedKind[client.Object, string](mgr.GetCache(), obj, r.handler(k))); err != nil {
			return err
		}
	}
	if cfg.Images != nil && cfg.Images.Reverify > 0 {
		// Nothing in the cluster changes when a tag moves or a signature
		// is revoked: the registry's answers are renewed on a timer.
		if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
			t := time.NewTicker(cfg.Images.Reverify)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return nil
				case <-t.C:
					r.kick()
				}
			}
		})); err != nil {
			return err
		}
	}
	if errs["Namespace"] != nil {
		// Without Namespaces, nothing says which namespaces exist but the
		// objects themselves; the cluster report must still be written.
		if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
			r.kick()
			<-ctx.Done()
			return nil
		})); err != nil {
			return err
		}
	}
	return mgr.Start(ctx)
}

// stripTransform drops, before an object is cached, what is not its state:
// managedFields and the kubectl last-applied-configuration annotation
// (on a Secret, a copy of its values; the metadata API returns it).
func stripTransform(in any) (any, error) {
	if a, err := meta.Accessor(in); err == nil {
		a.SetManagedFields(nil)
		if ann := a.GetAnnotations(); ann != nil {
			if _, ok := ann[corev1.LastAppliedConfigAnnotation]; ok {
				delete(ann, corev1.LastAppliedConfigAnnotation)
				a.SetAnnotations(ann)
			}
		}
	}
	return in, nil
}

func secretMetadata() *metav1.PartialObjectMetadata {
	return &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}}
}

func secretMetadataList() *metav1.PartialObjectMetadataList {
	return &metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "SecretList"}}
}

// newObject is an empty object of k, as the cache watches it: Secrets as
// metadata only.
func newObject(s *runtime.Scheme, k *cluster.Kind) (client.Object, error) {
	if k.MetadataOnly {
		return secretMetadata(), nil
	}
	o, err := s.New(schemaGVK(k, k.Kind))
	if err != nil {
		return nil, err
	}
	co, ok := o.(client.Object)
	if !ok {
		return nil, fmt.Errorf("%T is not an API object", o)
	}
	return co, nil
}

func newList(s *runtime.Scheme, k *cluster.Kind) (client.ObjectList, error) {
	if k.MetadataOnly {
		return secretMetadataList(), nil
	}
	o, err := s.New(schemaGVK(k, k.Kind+"List"))
	if err != nil {
		return nil, err
	}
	l, ok := o.(client.ObjectList)
	if !ok {
		return nil, fmt.Errorf("%T is not an API list", o)
	}
	return l, nil
}

func isNotFound(err error) bool { return apierrors.IsNotFound(err) }

// policyFrom reads the policy of a ConfigMap.
func policyFrom(cm *corev1.ConfigMap) (*policy.Policy, error) { return policy.FromConfigMap(cm) }
