package cluster

import (
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Config loads the client configuration the way kubectl does: the
// kubeconfig file given (else $KUBECONFIG, else ~/.kube/config, else the
// in-cluster service account), with contextName instead of the file's
// current context when not empty. It returns the context used ("" in a
// pod).
func Config(kubeconfig, contextName string) (*rest.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: contextName})
	cfg, err := cc.ClientConfig()
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			return nil, "", fmt.Errorf("no cluster configured: pass --kubeconfig, set KUBECONFIG, or fetch credentials (for AKS: az aks get-credentials)")
		}
		return nil, "", fmt.Errorf("kubeconfig: %w", err)
	}
	name := contextName
	if name == "" {
		if raw, err := cc.RawConfig(); err == nil {
			name = raw.CurrentContext
		}
	}
	return cfg, name, nil
}
