package imagescan

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

// TestOfflineAsksNoRegistry: offline, a running tag's drift is not
// assessed and a tag no pod runs is not assessed at all, both with the
// reason given; the registry (here: none listening) is never dialled.
func TestOfflineAsksNoRegistry(t *testing.T) {
	srv := httptest.NewServer(nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	const why = "registry lookups are off"
	running := "sha256:" + strings.Repeat("a", 64)
	opt := Options{RecordsOnly: true, Cache: &Cache{Dir: t.TempDir()}, Offline: why}
	res := Scan(context.Background(), []Target{
		{Ref: host + "/shop/api:2", Uses: []Use{{Field: "spec.containers[0].image", Running: running}}},
		{Ref: host + "/shop/api:3"},
	}, opt)
	if r := res[0]; r.Err != "" || r.Drift != nil || r.NotAssessed[AspectDrift] != why || !r.NeverScanned {
		t.Errorf("running tag offline: %+v", r)
	}
	if r := res[1]; r.Err != why {
		t.Errorf("unresolved tag offline: error %q, want %q", r.Err, why)
	}
	// Online, the same reference is looked up (and fails: nothing listens).
	opt.Offline = ""
	if r := Scan(context.Background(), []Target{{Ref: host + "/shop/api:3"}}, opt)[0]; r.Err == "" || r.Err == why {
		t.Errorf("online lookup of a closed registry: error %q", r.Err)
	}
}

// TestMemoKeepsTagAnswers: with a memo, a tag moved in the registry is
// seen only once the answer kept has expired.
func TestMemoKeepsTagAnswers(t *testing.T) {
	host := imagetest.Registry(t)
	old := imagetest.Push(t, host+"/shop/api:2", imagetest.Image(t, "amd64", nil, imagetest.Layer(t, imagetest.File{Name: "a", Content: []byte("1")})))
	memo := NewMemo(time.Hour)
	now := time.Now()
	memo.now = func() time.Time { return now }
	tgt := Target{Ref: host + "/shop/api:2", Uses: []Use{{Field: "spec.containers[0].image", Running: old.String()}}}
	opt := Options{RecordsOnly: true, Cache: &Cache{Dir: t.TempDir()}, Memo: memo}
	if r := Scan(context.Background(), []Target{tgt}, opt)[0]; r.Drift == nil || r.Drift.Moved() {
		t.Fatalf("before the move: %+v", r)
	}
	moved := imagetest.Push(t, host+"/shop/api:2", imagetest.Image(t, "amd64", nil, imagetest.Layer(t, imagetest.File{Name: "a", Content: []byte("2")})))
	if r := Scan(context.Background(), []Target{tgt}, opt)[0]; r.Drift == nil || r.Drift.Moved() {
		t.Errorf("within the TTL the kept answer holds: %+v", r.Drift)
	}
	now = now.Add(time.Hour)
	if r := Scan(context.Background(), []Target{tgt}, opt)[0]; !r.Drift.Moved() || r.Drift.Current != moved.String() {
		t.Errorf("after the TTL the move is seen: %+v", r.Drift)
	}
}
