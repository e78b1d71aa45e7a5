package vulndb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// GoVulnDBModule is the module holding the Go vulnerability database's
// OSV files (data/osv). It is fetched through the Go module proxy like any
// module, which makes it available where only the proxy is reachable.
const GoVulnDBModule = "golang.org/x/vulndb"

// FindGoVulnDB returns the directory and version of the newest
// golang.org/x/vulndb in the Go module cache. It never uses the network;
// when the module is missing the error says how to download it.
func FindGoVulnDB() (moduleDir, version string, err error) {
	cache, err := goModCache()
	if err != nil {
		return "", "", err
	}
	escPath, err := module.EscapePath(GoVulnDBModule)
	if err != nil {
		return "", "", err
	}
	parent := filepath.Join(cache, filepath.FromSlash(escPath))
	ents, _ := os.ReadDir(filepath.Dir(parent))
	prefix := filepath.Base(parent) + "@"
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		v, err := module.UnescapeVersion(strings.TrimPrefix(e.Name(), prefix))
		if err != nil || !semver.IsValid(v) {
			continue
		}
		dir := filepath.Join(filepath.Dir(parent), e.Name())
		if st, err := os.Stat(filepath.Join(dir, "data", "osv")); err != nil || !st.IsDir() {
			continue
		}
		if version == "" || semver.Compare(v, version) > 0 {
			moduleDir, version = dir, v
		}
	}
	if version == "" {
		return "", "", fmt.Errorf("%s is not in the Go module cache %s; download it with `go mod download %s@latest` (outside a module) or hack/install-tools.sh",
			GoVulnDBModule, cache, GoVulnDBModule)
	}
	return moduleDir, version, nil
}

// goModCache finds the module cache the way the go command does, asking
// the go command itself when the environment does not say (it also reads
// the `go env -w` settings file).
func goModCache() (string, error) {
	if v := os.Getenv("GOMODCACHE"); v != "" {
		return v, nil
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, goBin, "env", "GOMODCACHE")
		// Outside any module, and without a toolchain switch that could
		// try to download a newer Go.
		cmd.Dir = os.TempDir()
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=", "GOWORK=off")
		if out, err := cmd.Output(); err == nil {
			if v := strings.TrimSpace(string(out)); v != "" {
				return v, nil
			}
		}
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp)[0]; first != "" {
			return filepath.Join(first, "pkg", "mod"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("cannot locate the Go module cache: set GOMODCACHE")
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// versionFromDir takes the version from a module cache directory name.
func versionFromDir(moduleDir string) (string, error) {
	base := filepath.Base(filepath.Clean(moduleDir))
	_, esc, ok := strings.Cut(base, "@")
	if ok {
		if v, err := module.UnescapeVersion(esc); err == nil && semver.IsValid(v) {
			return v, nil
		}
	}
	return "", fmt.Errorf("cannot tell the golang.org/x/vulndb version of %s: pass it explicitly", moduleDir)
}

// goVulnDBTime is the commit time of a vulndb version: encoded in a pseudo
// version, otherwise read from the module cache's .info file.
func goVulnDBTime(moduleDir, version string) (time.Time, error) {
	if module.IsPseudoVersion(version) {
		return module.PseudoVersionTime(version)
	}
	// <GOMODCACHE>/golang.org/x/vulndb@v -> <GOMODCACHE>/cache/download/golang.org/x/vulndb/@v/<v>.info
	cache := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Clean(moduleDir))))
	escPath, err := module.EscapePath(GoVulnDBModule)
	if err != nil {
		return time.Time{}, err
	}
	escVer, err := module.EscapeVersion(version)
	if err != nil {
		return time.Time{}, err
	}
	data, err := os.ReadFile(filepath.Join(cache, "cache", "download", filepath.FromSlash(escPath), "@v", escVer+".info"))
	if err != nil {
		return time.Time{}, err
	}
	var info struct{ Time time.Time }
	if err := json.Unmarshal(data, &info); err != nil {
		return time.Time{}, err
	}
	return info.Time, nil
}
