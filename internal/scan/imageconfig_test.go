package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildImageOptionsErrorsAreUsage: settings image assessment cannot
// honour are UsageErrors (exit 2) with the flag's name, before anything is
// pulled.
func TestBuildImageOptionsErrorsAreUsage(t *testing.T) {
	dir := t.TempDir()
	base := ImageConfig{DBDir: filepath.Join(dir, "db"), CacheDir: filepath.Join(dir, "cache"), MaxDBAge: DefaultMaxDBAge}
	for _, tc := range []struct {
		name string
		edit func(*ImageConfig)
		want string
	}{
		{"platform", func(c *ImageConfig) { c.Platforms = []string{"amd64"} }, `--platform "amd64"`},
		{"cache contradiction", func(c *ImageConfig) { c.NoCache, c.FromCache = true, true }, "--images-from-cache reads the cache"},
		{"trust dir", func(c *ImageConfig) { c.TrustDir = filepath.Join(dir, "none") }, "--trust-policy: "},
		{"dockerfile", func(c *ImageConfig) { c.Dockerfile = filepath.Join(dir, "none") }, "--dockerfile: "},
		{"build arg", func(c *ImageConfig) {
			c.Dockerfile = filepath.Join(t.TempDir(), "Dockerfile")
			if err := os.WriteFile(c.Dockerfile, []byte("FROM alpine:3.20\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			c.BuildArgs = []string{"NOVALUE"}
		}, `--build-arg "NOVALUE"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.edit(&cfg)
			_, err := BuildImageOptions(context.Background(), cfg, nil, time.Now())
			if err == nil || !IsUsage(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("BuildImageOptions: %v, want a usage error containing %q", err, tc.want)
			}
		})
	}
	io, err := BuildImageOptions(context.Background(), base, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// No database and no trust policy: said, not silently passed.
	if io.DBMissing == "" || io.Verify != nil || io.VerifyMissing == "" || io.Base == nil {
		t.Errorf("DBMissing %q, Verify set %v, VerifyMissing %q, Base set %v", io.DBMissing, io.Verify != nil, io.VerifyMissing, io.Base != nil)
	}
	var none *ImageOptions
	none.AddCredentialWarnings(nil) // images off: a no-op, no panic
}

// TestOperatorImageOptions: the operator judges from records only; it
// asks registries nothing without Reverify (tags not resolved, signatures
// not verified, both saying why), and keeps their answers with it.
func TestOperatorImageOptions(t *testing.T) {
	dir := t.TempDir()
	cfg := ImageConfig{DBDir: filepath.Join(dir, "db"), CacheDir: filepath.Join(dir, "cache"), Operator: true}
	io, err := BuildImageOptions(context.Background(), cfg, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !io.RecordsOnly || io.Offline == "" || io.Memo != nil || io.Verify != nil || io.Reverify != 0 {
		t.Errorf("offline operator options: records only %v, offline %q, memo %v, verify %v", io.RecordsOnly, io.Offline, io.Memo != nil, io.Verify != nil)
	}
	cfg.Reverify = time.Hour
	if io, err = BuildImageOptions(context.Background(), cfg, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if !io.RecordsOnly || io.Offline != "" || io.Memo == nil || io.Reverify != time.Hour {
		t.Errorf("operator options with reverify: records only %v, offline %q, memo %v", io.RecordsOnly, io.Offline, io.Memo != nil)
	}
}
