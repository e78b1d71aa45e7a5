package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
)

// benchTB lets the benchmark use the test signing kit (signtest) outside
// a test: the kit calls only Helper, Fatalf and Cleanup, implemented
// here; the embedded nil testing.TB is never called.
type benchTB struct {
	testing.TB
	cleanups []func()
}

func (*benchTB) Helper() {}

func (*benchTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "admission bench: "+format+"\n", args...)
	os.Exit(1)
}

func (b *benchTB) Cleanup(f func()) { b.cleanups = append(b.cleanups, f) }

func (b *benchTB) cleanup() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
}

// imageSetup pushes and signs the Pod's two images in a loopback
// registry, imports the example vulnerability data, scans the images
// with the binary as a pipeline would (writing their scan records), and
// returns the webhook's image gate flags and the two references to send.
func imageSetup(tb *benchTB, bin, dir, refs string) (args []string, web, proxy string, err error) {
	host := signtest.NewRegistry(tb, true)
	ca := signtest.NewCA(tb)
	trust := ca.WriteTrustDir(tb, filepath.Join(dir, "notation"), "*")
	db, cache := filepath.Join(dir, "vulndb"), filepath.Join(dir, "images")
	web, proxy = host+"/shop/web:1.4.2", host+"/oss/envoyproxy/envoy:v1.31.0"
	var pinned []string
	for _, ref := range []string{web, proxy} {
		d := signtest.PushRandomImage(tb, ref)
		ca.Sign(tb, ref)
		pinned = append(pinned, ref+"@"+d.String())
	}
	if out, err := exec.Command(bin, "db", "import", "--db-dir", db, filepath.Join("examples", "images", "osv")).CombinedOutput(); err != nil {
		return nil, "", "", fmt.Errorf("db import (run from the repository root): %v\n%s", err, out)
	}
	scan := exec.Command(bin, "scan", "image", "--db-dir", db, "--cache-dir", cache, "--trust-policy", trust, "--no-base-check", web, proxy)
	if out, err := scan.CombinedOutput(); err != nil {
		return nil, "", "", fmt.Errorf("scan image: %v\n%s", err, out)
	}
	if refs == "digest" {
		web, proxy = pinned[0], pinned[1]
	}
	fmt.Printf("image gate: %s and %s, signed and scanned\n", strings.TrimPrefix(web, host+"/"), strings.TrimPrefix(proxy, host+"/"))
	return []string{"--images", "--trust-policy", trust, "--db-dir", db, "--cache-dir", cache}, web, proxy, nil
}
