package check

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Controls are the frameworks a check serves.
type Controls struct {
	// ASB are Azure Security Benchmark v3 control ids (e.g. PV-4, IM-8).
	ASB []string `json:"asb,omitempty"`
	// CIS are CIS AKS Benchmark v1.8.0 recommendation numbers.
	CIS []string `json:"cis,omitempty"`
	// PSS names the Pod Security Standards level and check, e.g.
	// "baseline/privileged", for checks that implement one.
	PSS string `json:"pss,omitempty"`
	// MITRE are MITRE ATT&CK for Containers technique ids (T1609,
	// T1078.001) a detection sees used.
	MITRE []string `json:"mitre,omitempty"`
	// Practice is the AKS security practice the check belongs to: build,
	// registry, cluster-api-access, identity-rbac, node-upgrades, network,
	// data-protection, monitoring-logging, threat-protection, container.
	Practice string `json:"practice"`
}

// Meta describes a check for people and for the engine.
type Meta struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Severity finding.Severity `json:"severity"`
	// Area groups checks for filtering: pod-security, host, images,
	// secrets, identity, exposure, resources, namespaces, ...
	Area string `json:"area"`
	// Description says what is checked and why it matters.
	Description string `json:"description"`
	// Remediation says how to fix it, ideally with the YAML to write.
	Remediation string   `json:"remediation"`
	Controls    Controls `json:"controls"`
	// Kinds are the object kinds the check looks at.
	Kinds []string `json:"kinds"`
	// Reads are the kinds it reads besides those it judges (a
	// ServiceAccount a workload names, the LimitRanges of its namespace,
	// every object of a cross-object model). A live scan that cannot list
	// one of them does not run the check: the missing objects would look
	// absent and turn into false findings or false passes.
	Reads []string `json:"reads,omitempty"`
	// Sources are the inputs that can feed the check. Which command runs
	// it, what `--checks` accepts for a command and what the coverage
	// calls "not assessed" all follow from this one declaration.
	Sources []Source `json:"sources"`
	// SourceNote says why the check cannot run on the sources it lacks
	// (a live cluster never serves Secret data, removed API versions only
	// exist in files). Required when Sources leaves out a source that
	// reads the check's kinds.
	SourceNote string `json:"sourceNote,omitempty"`
	// Fields are the input fields the check reads, as paths of the source's
	// document (ARM paths for the Azure checks, "pool:" prefixed for node
	// pool fields). A field the input leaves unknown (a template
	// expression, an older API version's shape) makes the check "not
	// assessed" instead of judging the field as absent.
	Fields []string `json:"fields,omitempty"`
	// ImageAspects are the parts of an image assessment an IMG check
	// judges (vulnerabilities, signature, drift, record, base). When one
	// could not be assessed the check reports nothing and the image is
	// listed as not assessed.
	ImageAspects []string `json:"imageAspects,omitempty"`
	// Data are the dated data sets the verdict depends on (DataVersions:
	// the AKS version calendar); a run warns when one is stale.
	Data []string `json:"data,omitempty"`
	// SeveritySetting names a policy setting that sets the check's
	// severity besides severityOverrides ("vulnerabilities.unrated" for the
	// check that reports unrated advisories).
	SeveritySetting string `json:"severitySetting,omitempty"`
	// CEL expresses the check for the API server's own
	// ValidatingAdmissionPolicy (bulwark admission policies); nil when CEL
	// cannot express it exactly. The end-to-end test holds each
	// expression to the check's verdicts on the real API server.
	CEL *CEL `json:"-"`
	// Attack is the hop of an attack path a finding of the check opens
	// (internal/attackpath reads it); empty when its findings are not a
	// step an attacker takes.
	Attack AttackStep `json:"attack,omitempty"`
}

// AttackStep is what a finding lets an attacker do, relative to the
// finding's subject. internal/attackpath turns each into an edge of the
// attack graph.
type AttackStep string

// The attack steps.
const (
	// AttackExposed: the subject (a Service, an Ingress, the API server,
	// a registry) is reachable from the internet.
	AttackExposed AttackStep = "exposed"
	// AttackExploit: the image has a known vulnerability with a fix, so
	// whoever reaches a workload running it may run code in it.
	AttackExploit AttackStep = "exploit"
	// AttackHost: the workload can take over the node it runs on.
	AttackHost AttackStep = "host"
	// AttackToken: the workload holds its ServiceAccount's token.
	AttackToken AttackStep = "token"
	// AttackCloudIdentity: the workload can act as the node's kubelet
	// managed identity (IMDS reachable, azure.json mounted).
	AttackCloudIdentity AttackStep = "cloud-identity"
	// AttackClusterAdmin: the subject (or a workload's ServiceAccount)
	// can become cluster-admin.
	AttackClusterAdmin AttackStep = "cluster-admin"
	// AttackSecrets: the subject can read Secrets.
	AttackSecrets AttackStep = "secrets"
	// AttackNodes: the subject controls nodes through the kubelet API.
	AttackNodes AttackStep = "nodes"
	// AttackRegistryWrite: the cluster's kubelet identity can push to a
	// registry.
	AttackRegistryWrite AttackStep = "registry-write"
	// AttackRegistryAccess: whoever reaches the registry can read or
	// write it without an Entra ID identity (admin user, anonymous pull).
	AttackRegistryAccess AttackStep = "registry-access"
	// AttackAPIAccess: whoever reaches the API server can become
	// cluster-admin without an Entra ID identity (local accounts, RBAC
	// off).
	AttackAPIAccess AttackStep = "api-access"
)

// CEL are predicates, true when an object passes the check. The policy
// generator binds them to every pod spec shape (Pod, pod templates,
// CronJob) and every container.
type CEL struct {
	// Container is a predicate over c, each container and init container.
	Container string
	// Pod is a predicate over variables.spec, the pod spec.
	Pod string
}

// Source is an input Bulwark reads objects from.
type Source string

// The sources. Each entry point feeds one or more of them.
const (
	// Manifests are Kubernetes objects as written in files.
	Manifests Source = "manifests"
	// Cluster is a live cluster's API objects, as served.
	Cluster Source = "cluster"
	// Azure is the Azure side of AKS and ACR: az JSON, ARM templates,
	// Terraform plans, live ARM reads.
	Azure Source = "azure"
	// Images are container images opened and inventoried.
	Images Source = "images"
	// Admission is one object of an admission request, judged on its
	// own: the request carries no other object of the cluster.
	Admission Source = "admission"
	// Audit is the API server's audit events: the detections (DET-…),
	// which judge what happened rather than an object.
	Audit Source = "audit"
)

// Sources lists every source, in the order commands are documented.
var Sources = []Source{Manifests, Cluster, Azure, Images, Admission, Audit}

// KubernetesObjects are the sources of checks that judge Kubernetes
// objects the same way whether written or served, and read other objects
// (Reads) that an admission request does not carry.
var KubernetesObjects = []Source{Manifests, Cluster}

// ObjectSources are the sources of checks that judge one Kubernetes
// object on its own, which an admission request can feed too.
var ObjectSources = []Source{Manifests, Cluster, Admission}

// DataVersions is the AKS version calendar (internal/aksmodel/versions.json).
const DataVersions = "aks-versions"

// Settings are the run's inputs that checks may read. They come from flags
// and the policy file, never from the environment.
type Settings struct {
	// PSS is the Pod Security Standards level and version to evaluate.
	PSS api.LevelVersion
	// PSSEnforce, when set, is the Pod Security level enforced at admission
	// in the namespaces the input does not hold (--pss-enforce).
	PSSEnforce *api.LevelVersion
	// AllowedRegistries are registry host (and optional path) prefixes
	// images may come from; empty means the check has nothing to enforce.
	AllowedRegistries []string
}

// Context is what an evaluation may read besides the object itself.
type Context struct {
	Inventory *inventory.Inventory
	Settings  *Settings
}

// EvalFunc inspects one object and reports what is wrong with it. It must
// not do I/O or keep state: the engine calls it from many goroutines.
type EvalFunc func(ctx *Context, obj *inventory.Object, r *Report)

// Check is a declared, runnable check: Eval for the checks that judge
// objects, Detect for the detections that judge audit events (source
// Audit), never both.
type Check struct {
	Meta
	Eval   EvalFunc
	Detect DetectFunc
}

var (
	mu       sync.RWMutex
	registry = map[string]*Check{}
	idRE     = regexp.MustCompile(`^(K8S|AKS|ACR|IMG|DET)-[0-9A-Z]{3,4}$`)
	areaRE   = regexp.MustCompile(`^[a-z][a-z-]*$`)
)

// Register adds a check to the catalog. It panics on a malformed
// declaration: that is a programming error caught by any test run.
func Register(c *Check) {
	if err := validate(c); err != nil {
		panic(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[c.ID]; dup {
		panic(fmt.Sprintf("check %s registered twice", c.ID))
	}
	registry[c.ID] = c
}

func validate(c *Check) error {
	switch {
	case !idRE.MatchString(c.ID):
		return fmt.Errorf("check id %q does not match %s", c.ID, idRE)
	case c.Title == "" || c.Description == "" || c.Remediation == "":
		return fmt.Errorf("check %s: title, description and remediation are required", c.ID)
	case !areaRE.MatchString(c.Area):
		return fmt.Errorf("check %s: bad area %q", c.ID, c.Area)
	case c.Controls.Practice == "":
		return fmt.Errorf("check %s: practice is required", c.ID)
	case len(c.Kinds) == 0:
		return fmt.Errorf("check %s: kinds are required", c.ID)
	case len(c.Sources) == 0:
		return fmt.Errorf("check %s: sources are required", c.ID)
	case slices.Contains(c.Sources, Audit) != (c.Detect != nil) || slices.Contains(c.Sources, Audit) && len(c.Sources) > 1:
		return fmt.Errorf("check %s: a detection has source audit alone and a Detect func; a check neither", c.ID)
	case c.Eval == nil && c.Detect == nil || c.Eval != nil && c.Detect != nil:
		return fmt.Errorf("check %s: want an Eval or a Detect func", c.ID)
	case c.Detect != nil && !strings.HasPrefix(c.ID, "DET-"):
		return fmt.Errorf("check %s: detections have DET- ids", c.ID)
	}
	for _, s := range c.Sources {
		if !slices.Contains(Sources, s) {
			return fmt.Errorf("check %s: unknown source %q", c.ID, s)
		}
	}
	if slices.Contains(c.Sources, Admission) && len(c.Reads) > 0 {
		return fmt.Errorf("check %s: reads %v, which an admission request does not carry: it cannot run at admission", c.ID, c.Reads)
	}
	if (len(c.ImageAspects) > 0) != slices.Contains(c.Sources, Images) {
		return fmt.Errorf("check %s: an image check (source images) and only one declares its image aspect", c.ID)
	}
	return nil
}

// All returns every registered check sorted by id.
func All() []*Check {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]*Check, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup finds a check by id, case-insensitively.
func Lookup(id string) (*Check, bool) {
	mu.RLock()
	defer mu.RUnlock()
	c, ok := registry[strings.ToUpper(id)]
	return c, ok
}

// RunsOn reports whether the source can feed the check.
func (c *Check) RunsOn(s Source) bool { return slices.Contains(c.Sources, s) }

// RunsOnAny reports whether any of the sources can feed the check.
func (c *Check) RunsOnAny(sources []Source) bool {
	return slices.ContainsFunc(sources, c.RunsOn)
}

// AppliesTo reports whether the check looks at objects of kind.
func (c *Check) AppliesTo(kind string) bool {
	return slices.Contains(c.Kinds, kind) || slices.Contains(c.Kinds, "*")
}

// Report collects the findings of one check on one object.
type Report struct {
	check    *Check
	obj      *inventory.Object
	findings []finding.Finding
}

// NewReport starts a report; the engine calls it, and so do check tests.
func NewReport(c *Check, obj *inventory.Object) *Report { return &Report{check: c, obj: obj} }

// Reset makes the report ready for another check or object, keeping its
// storage: the engine reuses one report per goroutine.
func (r *Report) Reset(c *Check, obj *inventory.Object) {
	clear(r.findings) // drop references to the previous findings' strings
	r.check, r.obj, r.findings = c, obj, r.findings[:0]
}

// Findings returns what was reported.
func (r *Report) Findings() []finding.Finding { return r.findings }

// FailAdvisory is Fail for a finding about published advisories (ids and
// aliases), which policy exceptions can then name.
func (r *Report) FailAdvisory(path *field.Path, evidence string, advisories []string, format string, args ...any) {
	r.Fail(path, evidence, format, args...)
	r.findings[len(r.findings)-1].Advisories = advisories
}

// Fail reports that the field at path is wrong. The message must say what
// is wrong and name the offending value; evidence repeats the value for
// machine readers and must already be masked if it is secret.
func (r *Report) Fail(path *field.Path, evidence, format string, args ...any) {
	p := ""
	if path != nil {
		p = path.String()
	}
	subj := r.obj.Subject()
	r.findings = append(r.findings, finding.Finding{
		CheckID:     r.check.ID,
		Title:       r.check.Title,
		Severity:    r.check.Severity,
		Subject:     subj,
		Location:    r.obj.Locate(p),
		Field:       p,
		Message:     fmt.Sprintf(format, args...),
		Evidence:    evidence,
		Fingerprint: finding.Fingerprint(r.check.ID, subj, p),
	})
}
