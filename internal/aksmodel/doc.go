// Package aks is the model Bulwark's Azure-side checks read: an AKS managed
// cluster or a container registry decoded into the Azure SDK's own types
// (armcontainerservice/v6, armcontainerregistry, armmonitor), together with
// what the SDK types cannot hold and what a check needs to be honest about:
//
//   - every node pool, whether it came inline (properties.agentPoolProfiles)
//     or as a separate agentPools resource, with the field path of each;
//   - the raw JSON, for fields that exist only in preview API versions
//     (pod link-local access, SSH access, image integrity);
//   - Gaps: the fields and related data (diagnostic settings, maintenance
//     configurations, role assignments) that the input could not provide,
//     with the reason. A check never passes on a gap; the scan reports it;
//   - Env: the run's date, the AKS version calendar and thresholds, so
//     that checks stay pure functions with no clock of their own.
//
// Sources (internal/source/azure) build these models; checks
// (internal/checks/aks, internal/checks/acr) only read them.
package aksmodel
