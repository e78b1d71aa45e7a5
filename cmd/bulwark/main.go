// Command bulwark secures Kubernetes on Azure (AKS) across an application's
// life: see `bulwark --help`.
package main

import (
	"os"

	"github.com/bulwark-sec/bulwark/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
