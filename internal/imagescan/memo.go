package imagescan

import (
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/bulwark-sec/bulwark/internal/ttlcache"
)

// maxMemo bounds the answers a Memo keeps.
const maxMemo = 20000

// Memo keeps registry answers (what a tag points to, whether an index
// lists a digest, a signature verdict) for a TTL, for a process that
// judges the same images again and again (the operator): the registry is
// asked each question at most once per TTL, failures included, so an
// unreachable registry is not asked at every evaluation either.
type Memo struct {
	ttl    time.Duration
	now    func() time.Time
	cache  *ttlcache.Cache[string, memoEntry]
	flight singleflight.Group
}

type memoEntry struct {
	v   any
	err error
}

// NewMemo keeps answers for ttl.
func NewMemo(ttl time.Duration) *Memo {
	return &Memo{ttl: ttl, now: time.Now, cache: ttlcache.New[string, memoEntry](maxMemo)}
}

// Do returns the answer kept for key, else asks f and keeps its answer.
// A nil Memo asks f every time.
func (m *Memo) Do(key string, f func() (any, error)) (any, error) {
	if m == nil {
		return f()
	}
	if e, ok := m.cache.Get(key, m.now()); ok {
		return e.v, e.err
	}
	v, err, _ := m.flight.Do(key, func() (any, error) {
		v, err := f()
		now := m.now()
		m.cache.Put(key, memoEntry{v, err}, now.Add(m.ttl), now)
		return v, err
	})
	return v, err
}
