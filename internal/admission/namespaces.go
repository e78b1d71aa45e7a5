package admission

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// NamespaceCache keeps the namespaces' labels from a watch, reading their
// metadata only (list and watch on namespaces is all it needs).
type NamespaceCache struct {
	informer cache.SharedIndexInformer
}

// WatchNamespaces starts the cache; it runs until ctx ends. Synced tells
// when the first list has arrived.
func WatchNamespaces(ctx context.Context, cfg *rest.Config) (*NamespaceCache, error) {
	client, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("namespace watch: %w", err)
	}
	gvr := corev1.SchemeGroupVersion.WithResource("namespaces")
	factory := metadatainformer.NewSharedInformerFactory(client, 10*time.Minute)
	inf := factory.ForResource(gvr).Informer()
	factory.Start(ctx.Done())
	return &NamespaceCache{informer: inf}, nil
}

// Synced reports an error until the first list has been read.
func (c *NamespaceCache) Synced() error {
	if !c.informer.HasSynced() {
		return fmt.Errorf("namespace labels not read yet")
	}
	return nil
}

// Labels implements Namespaces.
func (c *NamespaceCache) Labels(name string) (map[string]string, bool) {
	obj, ok, err := c.informer.GetStore().GetByKey(name)
	if err != nil || !ok {
		return nil, false
	}
	m, ok := obj.(*metav1.PartialObjectMetadata)
	if !ok {
		return nil, false
	}
	return m.Labels, true
}
