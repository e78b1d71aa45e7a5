// Package ci tests the CI integrations shipped at the repository root and
// under deploy/: the GitHub Action (action.yml), the Azure Pipelines
// template and the pre-commit hooks. Each file is decoded into closed
// structs (an unknown or misspelt key fails), and the shell each one runs
// is run with a freshly built bulwark on the bundled examples.
package ci
