package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/bulwark-sec/bulwark/internal/operator"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// operatorBench runs `bulwark operator` (the binary, in its own process)
// on the loaded control plane and measures: the time to the first
// complete set of reports (one per namespace and the cluster's), its
// memory (peak and at rest, from /proc), its API requests per minute at
// rest (its own client metrics), and the time for one change to reach its
// namespace's report.
func operatorBench(bin string, srv *apiserver.Server, namespaces int, rest time.Duration) error {
	if _, err := envtest.InstallCRDs(srv.Config, envtest.CRDInstallOptions{Paths: []string{"deploy/helm/bulwark/files/crds"}, ErrorIfPathMissing: true}); err != nil {
		return fmt.Errorf("installing the OpenReports CRDs: %w", err)
	}
	s, err := operator.Scheme()
	if err != nil {
		return err
	}
	c, err := client.New(srv.Config, client.Options{Scheme: s})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "operator", "--kubeconfig", srv.Kubeconfig, "--metrics-address", addr, "--metrics-cert-dir", os.TempDir()+"/bulwark-bench-operator-certs")
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ctx := context.Background()

	for {
		var l openreports.ReportList
		if err := c.List(ctx, &l); err != nil {
			return err
		}
		var cr openreports.ClusterReport
		crErr := c.Get(ctx, client.ObjectKey{Name: operator.ClusterReportName}, &cr)
		if len(l.Items) >= namespaces && crErr == nil {
			break
		}
		if time.Since(start) > 5*time.Minute {
			return fmt.Errorf("%d of %d reports after 5 minutes", len(l.Items), namespaces)
		}
		time.Sleep(100 * time.Millisecond)
	}
	first := time.Since(start)
	fmt.Printf("first complete reports (%d namespaces and the cluster): %s\n", namespaces, first.Round(time.Millisecond))

	// At rest: nothing changes; the watches stay open.
	time.Sleep(10 * time.Second)
	before, err := requests(addr)
	if err != nil {
		return err
	}
	cpuBefore, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return err
	}
	time.Sleep(rest)
	after, err := requests(addr)
	if err != nil {
		return err
	}
	cpuAfter, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return err
	}
	rss, hwm, err := memory(cmd.Process.Pid)
	if err != nil {
		return err
	}
	perMin := float64(after-before) / rest.Minutes()
	fmt.Printf("at rest over %s: %.0f API requests/minute, CPU %.1f%% of one core, RSS %d MB (peak %d MB)\n",
		rest, perMin, 100*(cpuAfter-cpuBefore).Seconds()/rest.Seconds(), rss>>20, hwm>>20)

	// One change: a Deployment made privileged.
	ns := "team-000"
	var lat []time.Duration
	for i := range 5 {
		app := fmt.Sprintf("app-%d", i)
		var d appsv1.Deployment
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: app}, &d); err != nil {
			return err
		}
		var rp openreports.Report
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: operator.ReportName}, &rp); err != nil {
			return err
		}
		// Made privileged, the Deployment gains at least one result.
		before := results(&rp, app)
		// The API server refuses privileged with allowPrivilegeEscalation false.
		sc := d.Spec.Template.Spec.Containers[0].SecurityContext
		sc.Privileged, sc.AllowPrivilegeEscalation = ptr.To(true), ptr.To(true)
		changed := time.Now()
		if err := c.Update(ctx, &d); err != nil {
			return err
		}
		for {
			if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: operator.ReportName}, &rp); err != nil {
				return err
			}
			if results(&rp, app) > before {
				break
			}
			if time.Since(changed) > time.Minute {
				return fmt.Errorf("the change to %s/%s was not reported within a minute", ns, app)
			}
			time.Sleep(10 * time.Millisecond)
		}
		lat = append(lat, time.Since(changed))
	}
	fmt.Printf("one change to its report (5 changes, %s debounce included): %v\n", operator.DefaultDebounce, lat)
	_, hwm, _ = memory(cmd.Process.Pid)
	fmt.Printf("peak RSS over the run: %d MB\n", hwm>>20)
	if memProfile != "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return operatorHeap(srv, namespaces, memProfile)
	}
	return nil
}

// operatorHeap runs the operator again, in the benchmark's process, and
// writes its heap profile once every namespace and the cluster have been
// evaluated and it has rested: what the operator holds at rest.
func operatorHeap(srv *apiserver.Server, namespaces int, path string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- operator.Run(ctx, operator.Config{Rest: srv.Config, MetricsAddr: "0", Log: logr.Discard(),
			Flags: scan.Flags{FailOn: "high", PSSLevel: "restricted", PSSVersion: "latest", MaxFileSize: scan.DefaultMaxFileSize, NoPolicyFile: true}})
	}()
	start := time.Now()
	for evaluations() < namespaces+1 {
		select {
		case err := <-done:
			return fmt.Errorf("operator: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Since(start) > 5*time.Minute {
			return fmt.Errorf("in-process operator: %d evaluations after 5 minutes", evaluations())
		}
	}
	time.Sleep(10 * time.Second)
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("in-process operator at rest: live heap %d MB; heap profile in %s\n", ms.HeapAlloc>>20, path)
	return pprof.WriteHeapProfile(f)
}

// evaluations counts the in-process operator's evaluations so far.
func evaluations() int {
	mfs, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		return 0
	}
	n := 0
	for _, mf := range mfs {
		if mf.GetName() != "bulwark_operator_evaluation_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			n += int(m.GetHistogram().GetSampleCount())
		}
	}
	return n
}

// results counts rp's results about the object named name.
func results(rp *openreports.Report, name string) int {
	n := 0
	for _, r := range rp.Results {
		if len(r.Subjects) > 0 && r.Subjects[0].Name == name {
			n++
		}
	}
	return n
}

// requests is the operator's count of API requests so far
// (rest_client_requests_total, summed over codes and methods).
func requests(addr string) (float64, error) {
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the benchmark's own self-signed metrics server on loopback
	resp, err := hc.Get("https://" + addr + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var n float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "rest_client_requests_total{") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err == nil {
			n += v
		}
	}
	return n, sc.Err()
}

// memory reads the resident set and its peak (VmRSS, VmHWM) of pid.
func memory(pid int) (rss, hwm int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm, nil
}

// cpuTime is the user and system time pid has used (/proc/PID/stat).
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100, nil // USER_HZ is 100 on Linux
}
