package sign

import (
	"sync"
	"time"
)

// maxCacheEntries bounds memory in a long-running admission controller; a
// cluster rarely runs more distinct image digests than this.
const maxCacheEntries = 10000

// ttlCache is a small concurrency-safe map with per-entry expiry. Reads take
// only a read lock, which keeps a cached verification in the
// sub-microsecond range even under parallel admission requests.
type ttlCache[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]cacheEntry[V]
	max int
}

type cacheEntry[V any] struct {
	v   V
	exp time.Time
}

func newTTLCache[K comparable, V any](max int) *ttlCache[K, V] {
	return &ttlCache[K, V]{m: make(map[K]cacheEntry[V]), max: max}
}

func (c *ttlCache[K, V]) get(k K, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if !ok || !now.Before(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[K, V]) put(k K, v V, exp, now time.Time) {
	if !now.Before(exp) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		c.evict(now)
	}
	c.m[k] = cacheEntry[V]{v: v, exp: exp}
}

// evict drops expired entries and, if that is not enough, arbitrary ones
// down to 90% of the bound; a re-verification is cheap compared to
// unbounded growth.
func (c *ttlCache[K, V]) evict(now time.Time) {
	for k, e := range c.m {
		if !now.Before(e.exp) {
			delete(c.m, k)
		}
	}
	for k := range c.m {
		if len(c.m) < c.max*9/10 {
			break
		}
		delete(c.m, k)
	}
}

func (c *ttlCache[K, V]) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
