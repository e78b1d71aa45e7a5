package detections

import "github.com/bulwark-sec/bulwark/internal/check"

// area and sources are every detection's.
const area = "threat-detection"

var sources = []check.Source{check.Audit}

// threat are the controls of a detection: ASB LT-1 (threat detection)
// with the others it serves, and the MITRE techniques it sees used.
func threat(asb []string, mitre ...string) check.Controls {
	return check.Controls{ASB: append([]string{"LT-1"}, asb...), MITRE: mitre, Practice: "threat-protection"}
}
