package baseimage

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func check(t *testing.T, app v1.Image, base Base, o Options) *Freshness {
	t.Helper()
	f, err := Check(context.Background(), app, base, o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func wantVerdict(t *testing.T, f *Freshness, stale, confirmed bool, reason string) {
	t.Helper()
	if f.Stale != stale || f.Confirmed != confirmed || !strings.Contains(f.Reason, reason) {
		t.Fatalf("got stale=%v confirmed=%v reason=%q; want stale=%v confirmed=%v reason containing %q",
			f.Stale, f.Confirmed, f.Reason, stale, confirmed, reason)
	}
}

// The central story: an app is built on base v1, then the base tag moves to
// v2. The old app is stale (confirmed by layers); an app rebuilt on v2 is not.
func TestCheckTagMovesToNewBase(t *testing.T) {
	reg := newRegistry(t)
	v1Img := baseImage(t, amd64, t0)
	d1 := push(t, reg.ref("base:1"), v1Img)
	app1 := appOn(t, v1Img)
	rec := Base{Name: reg.ref("base:1"), Digest: d1, Source: SourceAnnotation}

	f := check(t, app1, rec, opts())
	wantVerdict(t, f, false, true, "up to date (confirmed)")
	if f.CurrentDigest != d1 || f.CurrentPlatformDigest != d1 || !f.BaseCreated.Equal(t0) || !f.CurrentCreated.Equal(t0) || f.Age != 0 {
		t.Fatalf("fresh: %+v", f)
	}

	v2Img := baseImage(t, amd64, t0.Add(72*time.Hour))
	d2 := push(t, reg.ref("base:1"), v2Img)
	f = check(t, app1, rec, opts())
	wantVerdict(t, f, true, true, "stale (confirmed): built on "+d1[:19])
	if f.CurrentDigest != d2 || !f.BaseCreated.Equal(t0) || !f.CurrentCreated.Equal(t0.Add(72*time.Hour)) {
		t.Fatalf("stale: %+v", f)
	}
	if want := 30*24*time.Hour - 72*time.Hour; f.Age != want {
		t.Fatalf("Age = %v, want %v", f.Age, want)
	}

	app2 := appOn(t, v2Img)
	f = check(t, app2, Base{Name: reg.ref("base:1"), Digest: d2}, opts())
	wantVerdict(t, f, false, true, "up to date (confirmed)")
}

func TestCheckRebuiltBaseWithSameLayersIsFresh(t *testing.T) {
	reg := newRegistry(t)
	v1Img := baseImage(t, amd64, t0)
	d1 := push(t, reg.ref("base:1"), v1Img)
	// Same layers, new config: a new digest without new content.
	push(t, reg.ref("base:1"), withConfig(t, v1Img, func(cf *v1.ConfigFile) { cf.Created = v1.Time{Time: t0.Add(time.Hour)} }))
	f := check(t, appOn(t, v1Img), Base{Name: reg.ref("base:1"), Digest: d1}, opts())
	wantVerdict(t, f, false, true, "moved from "+d1[:19])
}

func TestCheckMultiArchIndexBase(t *testing.T) {
	reg := newRegistry(t)
	amdV1, armV1 := baseImage(t, amd64, t0), baseImage(t, arm64, t0)
	idx1, per1 := pushIndex(t, reg.ref("multi:1"), platImage{amd64, amdV1}, platImage{arm64, armV1})
	appAmd, appArm := appOn(t, amdV1), appOn(t, armV1)

	// The index digest is recorded (docker buildx, metadata-action) ...
	f := check(t, appAmd, Base{Name: reg.ref("multi:1"), Digest: idx1}, opts())
	wantVerdict(t, f, false, true, "up to date (confirmed)")
	if f.CurrentDigest != idx1 || f.CurrentPlatformDigest != per1["amd64"] {
		t.Fatalf("digests: %+v", f)
	}
	// ... or the platform manifest's; the arm64 app picks arm64 from its config.
	f = check(t, appArm, Base{Name: reg.ref("multi:1"), Digest: per1["arm64"]}, opts())
	wantVerdict(t, f, false, true, "up to date (confirmed)")
	if f.CurrentPlatformDigest != per1["arm64"] {
		t.Fatalf("arm64 picked %s", f.CurrentPlatformDigest)
	}
	// Options.Platform overrides the image's own: amd64 layers are not in
	// the arm64 app, and the recorded digest is current, so it is fresh by
	// digest only.
	o := opts()
	o.Platform = &amd64
	f = check(t, appArm, Base{Name: reg.ref("multi:1"), Digest: idx1}, o)
	wantVerdict(t, f, false, false, "up to date by digest")

	idx2, _ := pushIndex(t, reg.ref("multi:1"), platImage{amd64, baseImage(t, amd64, t0.Add(time.Hour))}, platImage{arm64, baseImage(t, arm64, t0.Add(time.Hour))})
	for _, rec := range []string{idx1, per1["amd64"]} {
		f = check(t, appAmd, Base{Name: reg.ref("multi:1"), Digest: rec}, opts())
		wantVerdict(t, f, true, true, "stale (confirmed)")
		if f.CurrentDigest != idx2 {
			t.Fatalf("current %s, want %s", f.CurrentDigest, idx2)
		}
	}

	o.Platform = &v1.Platform{OS: "windows", Architecture: "amd64"}
	if _, err := Check(t.Context(), appAmd, Base{Name: reg.ref("multi:1")}, o); err == nil ||
		!strings.Contains(err.Error(), "has no manifest for windows/amd64 (has: linux/") {
		t.Fatalf("missing platform: %v", err)
	}
}

func TestCheckDockerfileOnly(t *testing.T) {
	reg := newRegistry(t)
	v1Img := baseImage(t, amd64, t0)
	push(t, reg.ref("library/base:1"), v1Img)
	app1 := appOn(t, v1Img)
	b, err := FromDockerfile([]byte("ARG TAG=1\nFROM "+reg.ref("library/base")+":${TAG} AS runtime\nCOPY app /\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	wantVerdict(t, check(t, app1, *b, opts()), false, true, "up to date (confirmed)")

	v2Img := baseImage(t, amd64, t0.Add(time.Hour))
	push(t, reg.ref("library/base:1"), v2Img)
	f := check(t, app1, *b, opts())
	wantVerdict(t, f, true, false, "no base digest recorded, so not confirmed")
	if !strings.Contains(f.Reason, "(0 of the base's 2 layers match)") || f.BaseCreated != (time.Time{}) {
		t.Fatalf("%+v", f)
	}
	wantVerdict(t, check(t, appOn(t, v2Img), *b, opts()), false, true, "up to date (confirmed)")
}

func TestCheckPinnedDockerfileDigest(t *testing.T) {
	reg := newRegistry(t)
	v1Img := baseImage(t, amd64, t0)
	d1 := push(t, reg.ref("base:1"), v1Img)
	push(t, reg.ref("base:1"), baseImage(t, amd64, t0.Add(time.Hour)))
	// The pin in the name is the recorded digest when Base.Digest is empty.
	f := check(t, appOn(t, v1Img), Base{Name: reg.ref("base:1") + "@" + d1}, opts())
	wantVerdict(t, f, true, true, "stale (confirmed)")
}

func TestCheckOldBaseGone(t *testing.T) {
	reg := newRegistry(t)
	v1Img := baseImage(t, amd64, t0)
	d1 := push(t, reg.ref("base:1"), v1Img)
	push(t, reg.ref("base:1"), baseImage(t, amd64, t0.Add(time.Hour)))
	ref, _ := name.NewDigest(reg.ref("base") + "@" + d1)
	if err := remote.Delete(ref); err != nil {
		t.Fatal(err)
	}
	f := check(t, appOn(t, v1Img), Base{Name: reg.ref("base:1"), Digest: d1}, opts())
	wantVerdict(t, f, true, false, "the old base could not be fetched to confirm by layers")
}

func TestCheckSquashedImage(t *testing.T) {
	reg := newRegistry(t)
	d1 := push(t, reg.ref("base:1"), baseImage(t, amd64, t0))
	squashed := baseImage(t, amd64, t0) // unrelated layers
	wantVerdict(t, check(t, squashed, Base{Name: reg.ref("base:1"), Digest: d1}, opts()), false, false, "up to date by digest")
}

func TestCheckReproducibleBuildTimestamps(t *testing.T) {
	reg := newRegistry(t)
	old := baseImage(t, amd64, time.Unix(0, 0))
	d1 := push(t, reg.ref("distroless:1"), old)
	push(t, reg.ref("distroless:1"), baseImage(t, amd64, time.Unix(0, 0)))
	f := check(t, appOn(t, old), Base{Name: reg.ref("distroless:1"), Digest: d1}, opts())
	wantVerdict(t, f, true, true, "stale (confirmed)")
	if !f.CurrentCreated.IsZero() || !f.BaseCreated.IsZero() || f.Age != 0 {
		t.Fatalf("epoch timestamps must read as unknown: %+v", f)
	}
}

func TestCheckScratchNeedsNoRegistry(t *testing.T) {
	o := opts()
	o.Remote = append(o.Remote, remote.WithTransport(failingTransport{}))
	f := check(t, baseImage(t, amd64, t0), Base{Name: "scratch", Source: SourceDockerfile}, o)
	wantVerdict(t, f, false, true, "built FROM scratch")
}

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network in this test")
}

func TestCheckRegistryErrorsAreErrors(t *testing.T) {
	reg := newRegistry(t)
	v1Img := baseImage(t, amd64, t0)
	d1 := push(t, reg.ref("base:1"), v1Img)
	app := appOn(t, v1Img)
	for name, base := range map[string]Base{
		"unreachable registry": {Name: unreachable(t) + "/base:1", Digest: d1},
		"unknown tag":          {Name: reg.ref("base:404"), Digest: d1},
		"unknown repository":   {Name: reg.ref("nope:1")},
	} {
		t.Run(name, func(t *testing.T) {
			f, err := Check(t.Context(), app, base, opts())
			if err == nil || f != nil {
				t.Fatalf("got %+v, %v; want an error and no verdict", f, err)
			}
			if !strings.Contains(err.Error(), "resolve base ") {
				t.Fatalf("unclear error: %v", err)
			}
		})
	}
	if _, err := Check(t.Context(), app, Base{Name: "Not A Ref"}, opts()); err == nil || !strings.Contains(err.Error(), "not a valid image reference") {
		t.Fatalf("bad name: %v", err)
	}
}

func TestCheckFallsBackToGetWhenHeadIsRefused(t *testing.T) {
	reg := newRegistry(t)
	v1Img := baseImage(t, amd64, t0)
	d1 := push(t, reg.ref("base:1"), v1Img)
	refuseHead := wrapFunc(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodHead && strings.Contains(r.URL.Path, "/manifests/") {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return true
		}
		return false
	})
	reg.wrap.Store(&refuseHead)
	f := check(t, appOn(t, v1Img), Base{Name: reg.ref("base:1"), Digest: d1}, opts())
	wantVerdict(t, f, false, true, "up to date (confirmed)")
	if reg.heads.Load() == 0 {
		t.Fatal("HEAD was never tried")
	}
}
