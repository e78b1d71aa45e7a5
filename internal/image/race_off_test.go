//go:build !race

package image_test

// cpuScale: see race_on_test.go.
const cpuScale = 1
