package adversarial

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Inputs dense in what costs memory per item rather than per byte: these
// are the two classes whose memory is bounded by a count, not by 20× the
// input (docs/limits.md, "Bounds by count").

// findingCost is the documented memory bound per finding of a manifest
// scan with a report written to a file: the finding, its decided and
// report copies, the report's grouping, and the garbage the collector
// lets build up to its soft limit. Measured 660-1115 B.
const findingCost = 1536

// valueCost is the documented memory bound per JSON value of an Azure
// input: its Go value and its entry in the position index, with the
// garbage of growing them. The value limit (2,000,000 per run) caps the
// total. Measured 155-179 B.
const valueCost = 256

// ordinaryDeployment has no security settings at all: about twenty
// findings, none of them high, from 0.5 KB of YAML.
const ordinaryDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-%[1]d}
  template:
    metadata:
      labels: {app: app-%[1]d}
    spec:
      containers:
      - name: app
        image: registry.example.com/app:latest
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: production}]
---
`

// TestFindingDenseManifests: ordinary Deployments give about 25 times more
// findings per byte than hardened ones; memory stays within the base, 20×
// the input and findingCost per finding.
func TestFindingDenseManifests(t *testing.T) {
	p, n := writeGenerated(t, "dense.yaml", func(w *bufio.Writer) {
		for i, written := 0, 0; written < 2<<20; i++ {
			k, _ := fmt.Fprintf(w, ordinaryDeployment, i, i%50)
			written += k
		}
	})
	out := filepath.Join(t.TempDir(), "r.json")
	// 10 CPU-seconds enforced by the kernel, as TestYAMLHugeScalars: the
	// wall time of a shared CI machine would make the bound flaky.
	r := Run(t, Limits{CPU: 10, Wall: 40 * time.Second}, nil, "scan", "manifests", p, "-f", "json", "-o", out)
	if r.Code != 0 && r.Code != 1 {
		t.Fatalf("exit %d, want the objects judged (0 or 1); %s", r.Code, r)
	}
	ExpectNoPanic(t, r)
	// "blocking" is a field of every finding and of the summary.
	findings := countInFile(t, out, `"blocking": `) - 1
	if findings < 10*int64(n)/int64(len(ordinaryDeployment)) {
		t.Fatalf("%d findings from %d KiB: the input is not finding-dense", findings, n>>10)
	}
	perFinding := (r.MaxRSS - baseRSS - memFactor*n) / findings
	t.Logf("%d KiB input, %d findings, peak RSS %d MiB: %d B per finding over base + %d× input", n>>10, findings, r.MaxRSS>>20, perFinding, memFactor)
	ExpectRSS(t, r, n+findingCost*findings/memFactor, memFactor)
}

// TestValueDenseARM: `[1,1,…]` costs a Go value and a position per two
// bytes of input; memory stays within the base and valueCost per value.
func TestValueDenseARM(t *testing.T) {
	const values = 1_000_000
	doc := "[" + strings.Repeat("1,", values-1) + "1]"
	p := WriteFile(t, t.TempDir(), "values.json", []byte(doc))
	r := Run(t, Limits{CPU: 10, Wall: 40 * time.Second}, nil, "scan", "aks", p, "-f", "json")
	if r.Code != 2 {
		t.Fatalf("exit %d, want 2 (not an Azure input); %s", r.Code, r)
	}
	ExpectNoPanic(t, r)
	t.Logf("%d values in %d KiB, peak RSS %d MiB: %d B per value over base", values, len(doc)>>10, r.MaxRSS>>20, (r.MaxRSS-baseRSS)/values)
	ExpectRSS(t, r, valueCost*values, 1)
}

// countInFile counts s in a file without holding it: the test process's
// own peak would be charged to the next run.
func countInFile(t *testing.T, path, s string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var n int64
	for sc.Scan() {
		n += int64(bytes.Count(sc.Bytes(), []byte(s)))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
