// Package helmchart renders a Helm chart (a directory with Chart.yaml or a
// packaged .tgz) with Helm's own library, as `helm template` does, so that
// its objects can be scanned and each finding located in the template
// that produced it.
//
// Rendering is offline: lookup returns nothing and DNS functions are off,
// values come from local files only. A chart is untrusted input: the
// number of items and bytes its loops and repeat make, the rendered size,
// the time and the heap growth of a render are bounded, and a render that
// passes a bound is an error.
package helmchart
