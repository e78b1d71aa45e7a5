//go:build !race

package adversarial

// raceEnabled: see ExpectRSS.
const raceEnabled = false
