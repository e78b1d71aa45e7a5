// Package version identifies the build.
package version

import "runtime/debug"

// Version is set at build time with -ldflags "-X .../version.Version=v1.2.3";
// otherwise it comes from the module's build info.
var Version = ""

// URI is where users learn more about the tool.
const URI = "https://github.com/bulwark-sec/bulwark"

func init() {
	if Version != "" {
		return
	}
	Version = "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		Version = bi.Main.Version
	}
}
