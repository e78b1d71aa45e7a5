package image

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// DpkgEntry is one installed package from a dpkg status file.
type DpkgEntry struct {
	Package       string
	Version       string
	Architecture  string
	Source        string // source package name; equals Package when absent
	SourceVersion string // from "Source: name (version)"; equals Version when absent
	Status        string
}

// ParseDpkgStatus parses a dpkg status file (or a distroless status.d entry).
// Only paragraphs whose Status is absent (distroless) or "... installed" are
// returned.
func ParseDpkgStatus(data []byte) ([]DpkgEntry, error) {
	var out []DpkgEntry
	var cur DpkgEntry
	flush := func() {
		if cur.Package != "" && cur.Version != "" && dpkgInstalled(cur.Status) {
			if cur.Source == "" {
				cur.Source = cur.Package
			}
			if cur.SourceVersion == "" {
				cur.SourceVersion = cur.Version
			}
			out = append(out, cur)
		}
		cur = DpkgEntry{}
	}
	err := paragraphs(data, flush, func(line string) {
		if line[0] == ' ' || line[0] == '\t' {
			return // continuation of the previous field (Description, Conffiles ...)
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Package":
			cur.Package = v
		case "Version":
			cur.Version = v
		case "Architecture":
			cur.Architecture = v
		case "Status":
			cur.Status = v
		case "Source":
			src, ver, _ := strings.Cut(v, "(")
			cur.Source = strings.TrimSpace(src)
			if ver != "" {
				cur.SourceVersion = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(ver), ")"))
			}
		}
	})
	if err != nil {
		return out, fmt.Errorf("dpkg status: %w", err)
	}
	return out, nil
}

func dpkgInstalled(status string) bool {
	if status == "" {
		return true
	}
	f := strings.Fields(status)
	return len(f) == 3 && f[2] == "installed"
}

// ApkEntry is one package from /lib/apk/db/installed.
type ApkEntry struct {
	Package string // P:
	Version string // V:
	Origin  string // o: (source package); equals Package when absent
	Arch    string // A:
}

// ParseApkInstalled parses apk's installed database.
func ParseApkInstalled(data []byte) ([]ApkEntry, error) {
	var out []ApkEntry
	var cur ApkEntry
	flush := func() {
		if cur.Package != "" && cur.Version != "" {
			if cur.Origin == "" {
				cur.Origin = cur.Package
			}
			out = append(out, cur)
		}
		cur = ApkEntry{}
	}
	err := paragraphs(data, flush, func(line string) {
		if len(line) < 2 || line[1] != ':' {
			return
		}
		v := line[2:]
		switch line[0] {
		case 'P':
			cur.Package = v
		case 'V':
			cur.Version = v
		case 'o':
			cur.Origin = v
		case 'A':
			cur.Arch = v
		}
	})
	if err != nil {
		return out, fmt.Errorf("apk installed db: %w", err)
	}
	return out, nil
}

// paragraphs walks a database of blank-line separated paragraphs (dpkg
// status, apk installed): line gets each non-blank line, end is called
// after each paragraph, the last one included.
func paragraphs(data []byte, end func(), line func(string)) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(l) == "" {
			end()
			continue
		}
		line(l)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	end()
	return nil
}

// ParseOSRelease parses an os-release file (KEY=value lines, optional quotes).
func ParseOSRelease(data []byte) *OSRelease {
	var o OSRelease
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		switch k {
		case "ID":
			o.ID = v
		case "VERSION_ID":
			o.VersionID = v
		case "PRETTY_NAME":
			o.Name = v
		}
	}
	return &o
}
