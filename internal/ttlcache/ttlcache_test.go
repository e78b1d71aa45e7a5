package ttlcache

import (
	"testing"
	"time"
)

func TestExpiryAndBound(t *testing.T) {
	now := time.Now()
	c := New[string, int](10)
	c.Put("a", 1, now.Add(time.Minute), now)
	if v, ok := c.Get("a", now); !ok || v != 1 {
		t.Errorf("fresh entry: %d %t", v, ok)
	}
	if _, ok := c.Get("a", now.Add(time.Minute)); ok {
		t.Error("an entry is served at its expiry")
	}
	c.Put("gone", 2, now, now)
	if c.Len() != 1 {
		t.Errorf("an entry already expired was stored: %d entries", c.Len())
	}
	for i := range 100 {
		c.Put(string(rune('A'+i)), i, now.Add(time.Minute), now)
	}
	if n := c.Len(); n > 10 {
		t.Errorf("%d entries, bound 10", n)
	}
}
