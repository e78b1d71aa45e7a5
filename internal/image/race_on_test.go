//go:build race

package image_test

// cpuScale: the race detector multiplies CPU work several times over.
const cpuScale = 5
