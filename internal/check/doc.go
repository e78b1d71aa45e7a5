// Package check declares what a check is: its metadata (id, title,
// severity, area, controls, remediation) and a pure evaluation function over
// one inventory object. Checks register themselves once; the engine, the
// `checks` commands and the generated docs all read the same declarations.
package check
