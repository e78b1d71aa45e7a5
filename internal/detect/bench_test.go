package detect

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// realShaped writes n events shaped like a busy cluster's audit log at
// level Metadata (RequestResponse for pod creates, as common policies
// log them): controllers' list and watch, kubelet status updates, a
// ServiceAccount's Secret gets, a deployment update, now and then an exec
// and a pod create with its request body.
func realShaped(n int) []byte {
	pod := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-7d4b9c-x2k4z","namespace":"shop","labels":{"app":"web"}},"spec":{"serviceAccountName":"web","containers":[{"name":"web","image":"myacr.azurecr.io/web@sha256:1111111111111111111111111111111111111111111111111111111111111111","ports":[{"containerPort":8080}],"resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"cpu":"500m","memory":"256Mi"}},"securityContext":{"allowPrivilegeEscalation":false,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]}}}]}}`)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	base := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for i := range n {
		ev := audit.Event{Kind: "Event", APIVersion: audit.APIVersion, Level: "Metadata", AuditID: fmt.Sprintf("%08x-1c2d-4e5f-8a9b-0c1d2e3f4a5b", i),
			Stage: "ResponseComplete", SourceIPs: []string{"10.224.0.4"}, UserAgent: "kube-controller-manager/v1.33.2 (linux/amd64) kubernetes/abcdef0/system:serviceaccount:kube-system:deployment-controller",
			ResponseStatus: &audit.Status{Code: 200}, RequestReceivedTimestamp: base.Add(time.Duration(i) * time.Millisecond), StageTimestamp: base.Add(time.Duration(i)*time.Millisecond + 3*time.Millisecond),
			Annotations: map[string]string{"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": `RBAC: allowed by ClusterRoleBinding "system:controller:deployment-controller"`}}
		switch i % 10 {
		case 0, 1, 2:
			ev.Verb, ev.RequestURI = "watch", "/apis/apps/v1/replicasets?allowWatchBookmarks=true&resourceVersion=123&watch=true"
			ev.User = audit.UserInfo{Username: "system:serviceaccount:kube-system:deployment-controller", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}}
			ev.ObjectRef = &audit.ObjectReference{Resource: "replicasets", APIGroup: "apps", APIVersion: "v1"}
		case 3, 4, 5:
			ev.Verb, ev.RequestURI = "patch", "/api/v1/nodes/aks-nodepool1-1234-vmss000000/status"
			ev.User = audit.UserInfo{Username: "system:node:aks-nodepool1-1234-vmss000000", Groups: []string{"system:nodes", "system:authenticated"}}
			ev.ObjectRef = &audit.ObjectReference{Resource: "nodes", Name: "aks-nodepool1-1234-vmss000000", Subresource: "status", APIVersion: "v1"}
		case 6, 7:
			ev.Verb, ev.RequestURI = "get", "/api/v1/namespaces/shop/secrets/db"
			ev.User = audit.UserInfo{Username: "system:serviceaccount:shop:api", Groups: []string{"system:serviceaccounts", "system:authenticated"}}
			ev.ObjectRef = &audit.ObjectReference{Resource: "secrets", Namespace: "shop", Name: "db", APIVersion: "v1"}
		case 8:
			ev.Verb, ev.RequestURI = "update", "/apis/apps/v1/namespaces/shop/deployments/web"
			ev.User = audit.UserInfo{Username: "alice@example.com", Groups: []string{"devs", "system:authenticated"}}
			ev.ObjectRef = &audit.ObjectReference{Resource: "deployments", Namespace: "shop", Name: "web", APIGroup: "apps", APIVersion: "v1"}
		case 9:
			if i%100 == 99 {
				ev.Verb, ev.RequestURI = "create", "/api/v1/namespaces/shop/pods/web/exec?command=sh"
				ev.User = audit.UserInfo{Username: "alice@example.com", Groups: []string{"devs", "system:authenticated"}}
				ev.ObjectRef = &audit.ObjectReference{Resource: "pods", Namespace: "shop", Name: "web", Subresource: "exec", APIVersion: "v1"}
				break
			}
			ev.Level, ev.Verb, ev.RequestURI = "RequestResponse", "create", "/api/v1/namespaces/shop/pods"
			ev.User = audit.UserInfo{Username: "system:serviceaccount:kube-system:replicaset-controller", Groups: []string{"system:serviceaccounts", "system:authenticated"}}
			ev.ObjectRef = &audit.ObjectReference{Resource: "pods", Namespace: "shop", APIVersion: "v1"}
			// A new ReplicaSet (another image) every 1,000 events: its
			// replicas share one body, as the controller creates them.
			ev.RequestObject = json.RawMessage(bytes.Replace(pod, []byte("1111111111111111"), fmt.Appendf(nil, "%016x", i/1000), 1))
		}
		_ = enc.Encode(&ev)
	}
	return buf.Bytes()
}

const benchEvents = 100_000

// BenchmarkFiles: every detection over real-shaped JSON lines, on one
// core (run with -cpu 1). The secret reader is declared by learning, so
// the steady state alerts on the execs only.
func BenchmarkFiles(b *testing.B) { benchFiles(b, Options{Learn: time.Hour}) }

// BenchmarkFilesUserRules: the same with three user rules in CEL beside
// the catalog's.
func BenchmarkFilesUserRules(b *testing.B) {
	f := writeRules(b, `rules:
- name: delete-namespace
  title: Namespace deleted
  severity: high
  expression: event.verb == "delete" && event.objectRef.resource == "namespaces"
- name: configmap-kube-system
  title: ConfigMap changed in kube-system
  severity: medium
  expression: event.verb in ["update", "patch"] && event.objectRef.resource == "configmaps" && event.objectRef.namespace == "kube-system"
- name: kubectl-from-outside
  title: kubectl from outside the VNet
  severity: low
  expression: event.userAgent.startsWith("kubectl/") && !event.sourceIPs.exists(ip, ip.startsWith("10."))
`)
	benchFiles(b, Options{Learn: time.Hour, Rules: []string{f}})
}

func benchFiles(b *testing.B, opt Options) {
	data := realShaped(benchEvents)
	d, err := New(context.Background(), opt)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	var events int
	cpu0 := cpuTime(b)
	for range b.N {
		in, err := d.Files(context.Background(), []string{"-"}, bytes.NewReader(data), func(report.Alert, report.Location) error { return nil }, func(e report.InputError) { b.Fatal(e) })
		if err != nil {
			b.Fatal(err)
		}
		events += in.Events
	}
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	// On a shared machine the wall clock counts other processes' time:
	// events per second of this process's CPU time (all its threads, the
	// collector's too) is the rate one core sustains.
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(len(data))/benchEvents, "bytes/event")
}

// cpuTime is the CPU time, user and system, this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
