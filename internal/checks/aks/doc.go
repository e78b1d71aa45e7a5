// Package aks holds the checks on the Azure side of an AKS cluster: API
// server access, identity, network, data protection, node pools and
// upgrades, logging, threat protection and admission, read from the
// managed cluster resource (internal/aks.Cluster) whatever the input
// format. One check per file, its test beside it; each file's doc comment
// names the ARM fields it reads, which it also declares (model.DeclareReads)
// so that a field the input cannot provide makes the check "not assessed"
// instead of passing. Node pool checks look at every pool, inline or
// separate, not only the first.
package aks
