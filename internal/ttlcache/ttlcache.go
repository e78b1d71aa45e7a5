// Package ttlcache is a bounded map with per-entry expiry, for verdicts
// that long-running processes reuse (signature verifications, admission
// image verdicts).
package ttlcache

import (
	"sync"
	"time"
)

// Cache is a small concurrency-safe map with per-entry expiry. Reads take
// only a read lock, which keeps a cached verification in the
// sub-microsecond range even under parallel admission requests.
type Cache[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]cacheEntry[V]
	max int
}

type cacheEntry[V any] struct {
	v   V
	exp time.Time
}

// New makes a cache of at most max entries.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{m: make(map[K]cacheEntry[V]), max: max}
}

// Get returns the entry of k unless it has expired at now.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[k]
	c.mu.RUnlock()
	if !ok || !now.Before(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v under k until exp; an entry already expired is not stored.
func (c *Cache[K, V]) Put(k K, v V, exp, now time.Time) {
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
func (c *Cache[K, V]) evict(now time.Time) {
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

// Len is the number of entries, expired ones included.
func (c *Cache[K, V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
