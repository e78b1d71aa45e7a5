// Command admission load-tests `bulwark admission serve` on loopback: it
// starts the real binary with a fresh certificate, sends AdmissionReviews
// of a realistic Pod at a fixed rate over TLS for a fixed time (bounded in
// count and time; it stops by itself), and prints latency percentiles
// (measured from each request's scheduled start, so a stalled server
// cannot hide its queue), errors, the server's CPU time and its resident
// memory over the run.
//
//	go run ./bench/admission -rate 1000 -duration 60s
//
// With -images the webhook runs its image gate (--images) over a
// registry on loopback in this process: both images of the Pod are
// signed and scanned first (bulwark scan image writes their scan
// records), and the warm-up fills the gate's cache, so the run measures
// cached verifications. -refs digest sends the images pinned by digest
// (what the mutating webhook makes of them, no registry call per
// request); -refs tag sends tags, resolved with one HEAD each.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/testutil/tlstest"
)

func main() {
	var (
		bin      = flag.String("bin", "", "bulwark binary (default: go build into a temp dir)")
		rate     = flag.Int("rate", 1000, "requests per second")
		duration = flag.Duration("duration", 60*time.Second, "how long to send (at most 10m)")
		conns    = flag.Int("conns", 16, "concurrent client connections")
		mode     = flag.String("mode", "enforce", "the webhook's --default-mode")
		images   = flag.Bool("images", false, "run the image gate with a warm cache (signed, scanned images in a loopback registry)")
		refs     = flag.String("refs", "digest", "with -images: send the images by digest or by tag")
	)
	flag.Parse()
	if *duration > 10*time.Minute || *rate <= 0 || *rate > 20000 {
		fmt.Fprintln(os.Stderr, "admission bench: -duration at most 10m, -rate 1..20000")
		os.Exit(2)
	}
	if *refs != "digest" && *refs != "tag" {
		fmt.Fprintln(os.Stderr, "admission bench: -refs digest or tag")
		os.Exit(2)
	}
	if err := run(*bin, *rate, *duration, *conns, *mode, *images, *refs); err != nil {
		fmt.Fprintln(os.Stderr, "admission bench:", err)
		os.Exit(1)
	}
}

func run(bin string, rate int, duration time.Duration, conns int, mode string, images bool, refs string) error {
	dir, err := os.MkdirTemp("", "bulwark-admission-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if bin == "" {
		bin = filepath.Join(dir, "bulwark")
		if out, err := exec.Command("go", "build", "-o", bin, "github.com/bulwark-sec/bulwark/cmd/bulwark").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	certFile, keyFile, pool, err := cert(dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"admission", "serve", "--tls-cert", certFile, "--tls-key", keyFile, "--listen", addr,
		"--watch-namespaces=false", "--default-mode", mode}
	web, proxy := "myacr.azurecr.io/shop/web:1.4.2", "mcr.microsoft.com/oss/envoyproxy/envoy:v1.31.0"
	if images {
		tb := &benchTB{}
		defer tb.cleanup()
		gate, w, p, err := imageSetup(tb, bin, dir, refs)
		if err != nil {
			return err
		}
		args, web, proxy = append(args, gate...), w, p
	}
	srv := exec.Command(bin, args...)
	srv.Dir, srv.Stdout, srv.Stderr = dir, io.Discard, os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	base := "https://" + addr
	if err := waitReady(client, base); err != nil {
		return err
	}
	bodies := [][]byte{review(false, web, proxy), review(true, web, proxy)}
	fmt.Printf("request sizes: %d and %d bytes (compliant and privileged Pod)\n", len(bodies[0]), len(bodies[1]))

	// The compliant Pod must be admitted (its images verified and
	// scanned), the privileged one denied: the run measures verdicts, not
	// errors.
	for i, want := range []bool{true, false} {
		if allowed, msg, err := verdict(client, base, bodies[i]); err != nil || allowed != want {
			return fmt.Errorf("request %d: allowed %t, want %t (%v): %s", i, allowed, want, err, msg)
		}
	}
	// Warm up: the first requests pay for connections and caches.
	for i := range 200 {
		if _, err := send(client, base, bodies[i%2]); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	cpu0, err := cpuTime(srv.Process.Pid)
	if err != nil {
		return err
	}
	rss0, _ := rss(srv.Process.Pid)

	total := int(float64(rate) * duration.Seconds())
	lat := make([]time.Duration, total)
	var errs, late atomic.Int64
	jobs := make(chan int, conns*4)
	var wg sync.WaitGroup
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for range conns {
		wg.Go(func() {
			for i := range jobs {
				due := start.Add(time.Duration(i) * interval)
				if _, err := send(client, base, bodies[i%2]); err != nil {
					errs.Add(1)
				}
				lat[i] = time.Since(due)
			}
		})
	}
	var rssMax int64
	var rssSamples []int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-t.C:
				if r, err := rss(srv.Process.Pid); err == nil {
					rssSamples = append(rssSamples, r)
					rssMax = max(rssMax, r)
				}
			}
		}
	}()
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		} else if d < -interval {
			late.Add(1)
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	<-sampled
	cpu1, _ := cpuTime(srv.Process.Pid)

	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("\n| requests | rate (achieved) | p50 | p90 | p99 | max | errors | server CPU | RSS start → max → end |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|\n")
	end := rss0
	if len(rssSamples) > 0 {
		end = rssSamples[len(rssSamples)-1]
	}
	fmt.Printf("| %d | %d/s (%.0f/s) | %s | %s | %s | %s | %d | %.1f s (%.0f%% of a core) | %d → %d → %d MiB |\n",
		total, rate, float64(total)/elapsed.Seconds(), ms(pct(0.50)), ms(pct(0.90)), ms(pct(0.99)), ms(lat[len(lat)-1]),
		errs.Load(), cpu1-cpu0, 100*(cpu1-cpu0)/elapsed.Seconds(), rss0>>20, rssMax>>20, end>>20)
	if late.Load() > 0 {
		fmt.Printf("\nthe load generator fell behind its schedule %d times (latencies include that wait)\n", late.Load())
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func send(c *http.Client, base string, body []byte) (int, error) {
	resp, err := c.Post(base+"/validate", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Response == nil {
		return resp.StatusCode, fmt.Errorf("status %d, %v", resp.StatusCode, err)
	}
	return resp.StatusCode, nil
}

func verdict(c *http.Client, base string, body []byte) (bool, string, error) {
	resp, err := c.Post(base+"/validate", "application/json", bytes.NewReader(body))
	if err != nil {
		return false, "", err
	}
	defer resp.Body.Close()
	var out admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Response == nil {
		return false, "", fmt.Errorf("status %d, %v", resp.StatusCode, err)
	}
	msg := ""
	if out.Response.Result != nil {
		msg = out.Response.Result.Message
	}
	return out.Response.Allowed, msg, nil
}

func waitReady(c *http.Client, base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := c.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("webhook not ready after 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cpuTime is the process's user+system CPU seconds (/proc/PID/stat).
func cpuTime(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100, nil // USER_HZ is 100 on Linux
}

// rss is the process's resident set in bytes (/proc/PID/status VmRSS).
func rss(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

// review is an AdmissionReview of a Pod as a Deployment creates it.
func review(privileged bool, web, proxy string) []byte {
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
	sc := &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	if privileged {
		sc = &corev1.SecurityContext{Privileged: ptr.To(true)}
	}
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}}
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{GenerateName: "web-5d8f7c9b6-", Namespace: "shop",
			Labels:          map[string]string{"app": "web", "pod-template-hash": "5d8f7c9b6"},
			Annotations:     map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5d8f7c9b6", UID: "0b1f2c3d", Controller: ptr.To(true)}}},
		Spec: corev1.PodSpec{
			ServiceAccountName: "web",
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To(int64(10001)),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Volumes: []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				{Name: "kube-api-access", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
					{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr.To(int64(3607))}}}}}}},
			Containers: []corev1.Container{
				{Name: "web", Image: web, Resources: res, SecurityContext: sc,
					Ports: []corev1.ContainerPort{{ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}, LivenessProbe: probe, ReadinessProbe: probe,
					Env: []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "DB_HOST", Value: "postgres.shop.svc"},
						{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}},
					VolumeMounts: []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}, {Name: "kube-api-access", MountPath: "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnly: true}}},
				{Name: "proxy", Image: proxy, Resources: res, SecurityContext: sc},
			},
			NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
			Tolerations:  []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(300))}},
		},
	}
	raw, _ := json.Marshal(pod)
	r := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "00000000-0000-0000-0000-000000000001",
			Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, Resource: metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Namespace: "shop", Operation: admissionv1.Create, Object: runtime.RawExtension{Raw: raw},
			UserInfo: authUser()},
	}
	b, _ := json.Marshal(r)
	return b
}

func cert(dir string) (certFile, keyFile string, pool *x509.CertPool, err error) {
	certFile, keyFile, caPEM, err := tlstest.ServingCert(dir)
	if err != nil {
		return "", "", nil, err
	}
	pool = x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return certFile, keyFile, pool, nil
}

func authUser() (u authenticationv1.UserInfo) {
	u.Username = "system:serviceaccount:kube-system:replicaset-controller"
	u.Groups = []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}
	return u
}
