// Command kubectl-bulwark is the kubectl plugin that reads what Bulwark's
// operator found: on the PATH, it makes `kubectl bulwark report [-n NS]`.
package main

import (
	"os"

	"github.com/bulwark-sec/bulwark/internal/cli"
)

func main() {
	os.Exit(cli.KubectlMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
