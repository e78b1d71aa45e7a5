package scan

import (
	"context"

	"github.com/bulwark-sec/bulwark/internal/source/helmchart"
	"github.com/bulwark-sec/bulwark/internal/source/kustomize"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// RenderFlags are the `helm template` flags of a manifest scan; they apply
// to every Helm chart named on the command line.
type RenderFlags struct {
	ValueFiles  []string
	Set         []string
	ReleaseName string
	Namespace   string
	KubeVersion string
}

// renderer is the stage before the manifest loader: a Helm chart or a
// Kustomize directory named on the command line is rendered as helm
// template or kustomize build would, and its documents are read with the
// positions of their source files.
// maxFileSize (--max-file-size) bounds every file a kustomization reads,
// as it bounds every manifest.
func renderer(f RenderFlags, maxFileSize int64) manifest.Renderer {
	return func(p string) ([]manifest.Rendered, bool, error) {
		switch {
		case helmchart.IsChart(p):
			docs, err := helmchart.Render(context.Background(), p, helmchart.Options{
				ValueFiles: f.ValueFiles, Set: f.Set, ReleaseName: f.ReleaseName,
				Namespace: f.Namespace, KubeVersion: f.KubeVersion,
			})
			return docs, true, err
		case kustomize.IsKustomization(p):
			docs, err := kustomize.Build(p, kustomize.Limits{MaxFileSize: maxFileSize})
			return docs, true, err
		}
		return nil, false, nil
	}
}
