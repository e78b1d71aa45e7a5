// Package registryauth resolves registry credentials for image pulls.
//
// Its ACR keychain turns an Entra ID token into an Azure Container Registry
// refresh token (the same exchange `az acr login` and Ratify perform) so that
// workload identity, managed identity or a developer's az login can read
// images without docker credentials. ggcr's k8schain ships an ACR helper too,
// but it rests on the retired go-autorest/adal stack; this one uses azidentity.
//
// The exchange is implemented here rather than through the pre-1.0
// azcontainerregistry SDK: it is one form POST, and owning it keeps the
// dependency graph small and, more importantly, lets us guarantee that no
// token ever reaches an error string or a log line.
package registryauth
