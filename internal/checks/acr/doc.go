// Package acr holds the checks on Azure Container Registry configuration
// (internal/aksmodel.Registry): authentication, network exposure, data
// protection, logging and the supply-chain policies of the registry that
// AKS clusters pull from. One check per file, its test beside it; each
// file's doc comment names the fields it reads. Ids are ACR-0nn for the
// research catalog's AKS-Ann rows, and ACR-212, ACR-903 for AKS-212 and
// AKS-903, which look at the registry too (docs/aks.md has the table).
package acr
