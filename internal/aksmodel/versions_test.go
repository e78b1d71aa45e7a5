package aksmodel

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEmbeddedCalendar(t *testing.T) {
	c := EmbeddedCalendar()
	if c.Date.IsZero() || len(c.Minors) < 10 || len(c.OS) == 0 || len(c.Sources) == 0 {
		t.Fatalf("calendar incomplete: %+v", c)
	}
	for i := 1; i < len(c.Minors); i++ {
		prev, cur := c.Minors[i-1], c.Minors[i]
		if !prev.Version.Less(cur.Version) || cur.GA.Before(prev.GA) || !cur.EndOfSupport.After(cur.GA) {
			t.Errorf("minor %s out of order or inconsistent", cur.Version.MinorString())
		}
		if !cur.LTSEnd.IsZero() && !cur.LTSEnd.After(cur.EndOfSupport) {
			t.Errorf("minor %s: LTS ends before community support", cur.Version.MinorString())
		}
	}
	if m, _ := c.minor(Version{Major: 1, Minor: 27}); m.LTSEnd.IsZero() {
		t.Error("1.27 was the first LTS minor")
	}
	if m, _ := c.minor(Version{Major: 1, Minor: 30}); !m.PlatformEnd.Equal(day("2025-11-30")) {
		t.Errorf("1.30 platform support should end at 1.34 GA, got %v", m.PlatformEnd)
	}
}

func TestStale(t *testing.T) {
	c := &Calendar{Date: day("2026-11-26")}
	if c.Stale(day("2027-02-20")) {
		t.Error("86 days is not stale")
	}
	if !c.Stale(day("2027-03-01")) {
		t.Error("95 days is stale")
	}
}

func TestClassify(t *testing.T) {
	c := EmbeddedCalendar()
	now := day("2026-11-26")
	tests := []struct {
		v    string
		lts  bool
		want Support
		days int
	}{
		{"1.36.2", false, SupportCommunity, -1},
		{"1.34.5", false, SupportCommunity, 4},
		{"1.33.1", false, SupportPlatform, -1},
		{"1.33", true, SupportLTS, 216},
		{"1.31.9", true, SupportLTS, 4},
		{"1.30.14", true, SupportNone, -1},
		{"1.27.3", true, SupportNone, -1},
		{"1.20.7", false, SupportNone, -1},
		{"1.37.0", false, SupportPreview, -1},
		{"1.45.0", false, SupportUnknown, -1},
	}
	for _, tt := range tests {
		v, ok := ParseVersion(tt.v)
		if !ok {
			t.Fatalf("parse %s", tt.v)
		}
		st := c.Classify(v, now, tt.lts)
		if st.Support != tt.want {
			t.Errorf("%s lts=%v: %s, want %s", tt.v, tt.lts, st.Support, tt.want)
		}
		if tt.days >= 0 && st.DaysLeft(now) != tt.days {
			t.Errorf("%s: %d days left, want %d", tt.v, st.DaysLeft(now), tt.days)
		}
	}
}

func TestRetiredOS(t *testing.T) {
	c := EmbeddedCalendar()
	now := day("2026-11-26")
	v131, _ := ParseVersion("1.31.5")
	v133, _ := ParseVersion("1.33.2")
	tests := []struct {
		name, sku, image string
		v                Version
		want             bool
	}{
		{"mariner", "CBLMariner", "", v133, true},
		{"azure linux 2 by version", "AzureLinux", "", v131, true},
		{"azure linux 3 by version", "AzureLinux", "", v133, false},
		{"image says 3.0", "AzureLinux", "AKSAzureLinux-V3gen2-202510.10.0", v131, false},
		{"ubuntu 20.04 image", "Ubuntu", "AKSUbuntu-2004gen2fipscontainerd-202405.03.0", v131, true},
		{"ubuntu 22.04", "Ubuntu", "AKSUbuntu-2204gen2containerd-202510.10.0", v133, false},
		{"windows 2019", "Windows2019", "", v131, true},
		{"windows 2022", "Windows2022", "", v133, false},
	}
	for _, tt := range tests {
		_, got := c.RetiredOS(tt.sku, tt.v, true, tt.image, now)
		if got != tt.want {
			t.Errorf("%s: retired=%v, want %v", tt.name, got, tt.want)
		}
	}
	if _, got := c.RetiredOS("Windows2019", Version{}, false, "", day("2026-01-01")); got {
		t.Error("Windows 2019 was still supported on 2026-01-01")
	}
}
