// Package arm evaluates ARM deployment templates (Bicep compiled to ARM
// JSON included) as far as they can be evaluated before deployment:
// parameters (a --parameters file's values first), variables, template
// expressions and their functions (one entry per function in the
// functions table, each with Microsoft's documented examples as its test),
// copy loops, conditions and nested deployments, within the run's
// evaluation budget. What depends on the deployment itself becomes an
// unknown value carrying the reason, and ends up as a gap of the
// resource. Every resource found is handed to the shared model builder
// (internal/azmodel) with the position of each of its fields.
package arm
