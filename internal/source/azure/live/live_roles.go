package live

import (
	"errors"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// Role assignments, read live through the authorization API
// (Microsoft.Authorization/roleAssignments and roleDefinitions, both in
// Reader's */read):
//
//   - a cluster's kubelet identity: every assignment it holds in the
//     subscription, at any scope (and above it: management groups),
//     directly or through a group it is a member of. That is
//     ListForSubscription with $filter=assignedTo('<object id>'), what
//     `az role assignment list --assignee <id> --all --include-groups`
//     reads. AKS-211 then judges those on registry scopes, as from files.
//   - a registry: the assignments on the registry itself. ListForScope on
//     the registry with $filter=atScope() returns those at the registry
//     and those inherited from above it (resource group, subscription,
//     management groups); only the ones whose scope is the registry are
//     kept, as `az role assignment list --scope <registry id>` does and as
//     ACR-212 means them ("not granted on the registry itself"; its
//     remediation is to manage registries through resource group or
//     management group roles).
//
// A listing that fails, in full or on any page, leaves the checks reading
// role assignments not assessed, with the status and the permission it
// needs; so does a custom role whose name cannot be read.

const (
	needAssignmentRead = "Microsoft.Authorization/roleAssignments/read"
	needDefinitionRead = "Microsoft.Authorization/roleDefinitions/read"
)

// roleDef is a cached role definition lookup.
type roleDef struct {
	name string
	err  error
}

// kubeletRoles reads the role assignments of the cluster's kubelet
// identity, or records why they are unknown.
func (l *live) kubeletRoles(x *azmodel.Res) {
	oid := azmodel.KubeletObjectID(x.Value)
	if oid == "" {
		x.Gaps.Add(aksmodel.GapRoleAssignments, "the cluster has no kubelet managed identity (identityProfile.kubeletidentity.objectId); the role assignments of its nodes' identity were not read")
		return
	}
	if !objectIDLike(oid) {
		x.Gaps.Add(aksmodel.GapRoleAssignments, "the kubelet identity's object id "+oid+" is not a GUID; its role assignments were not read")
		return
	}
	filter := "assignedTo('" + oid + "')"
	list, err := drain(l.ctx, l.assignments.NewListForSubscriptionPager(&armauthorization.RoleAssignmentsClientListForSubscriptionOptions{Filter: &filter}),
		func(p armauthorization.RoleAssignmentsClientListForSubscriptionResponse) []*armauthorization.RoleAssignment {
			return p.Value
		})
	if err != nil {
		x.Gaps.Add(aksmodel.GapRoleAssignments, "reading role assignments failed: "+readFailure(err, needAssignmentRead))
		return
	}
	for _, ra := range list {
		if r := l.roleAssignment(x, ra); r != nil {
			r.KubeletOf = x.ID
			l.b.Add(r)
		}
	}
}

// registryRoles reads the role assignments on the registry's own scope.
func (l *live) registryRoles(x *azmodel.Res) {
	filter := "atScope()"
	list, err := drain(l.ctx, l.assignments.NewListForScopePager(x.ID, &armauthorization.RoleAssignmentsClientListForScopeOptions{Filter: &filter}),
		func(p armauthorization.RoleAssignmentsClientListForScopeResponse) []*armauthorization.RoleAssignment {
			return p.Value
		})
	if err != nil {
		x.Gaps.Add(aksmodel.GapRoleAssignments, "reading role assignments failed: "+readFailure(err, needAssignmentRead))
		return
	}
	for _, ra := range list {
		if ra == nil || ra.Properties == nil || !sameScope(aksmodel.Str(ra.Properties.Scope), x.ID) {
			continue // inherited from the resource group or above
		}
		if r := l.roleAssignment(x, ra); r != nil {
			l.b.Add(r)
		}
	}
}

// roleAssignment turns an assignment into a resource as the file inputs
// read it: properties.principalId, principalType, roleDefinitionId and,
// resolved here, roleDefinitionName; its scope as the target; its ARM id
// as its location. A role whose name cannot be read is a gap on owner,
// the cluster or registry it was read for.
func (l *live) roleAssignment(owner *azmodel.Res, ra *armauthorization.RoleAssignment) *azmodel.Res {
	if ra == nil || ra.ID == nil || ra.Properties == nil {
		return nil
	}
	v := toMap(ra)
	props, _ := v["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		v["properties"] = props
	}
	if def := aksmodel.Str(ra.Properties.RoleDefinitionID); def != "" {
		name, err := l.roleName(def)
		if err != nil {
			owner.Gaps.Add(aksmodel.GapRoleAssignments, "reading role definition "+def+" (assigned by "+*ra.ID+") failed: "+readFailure(err, needDefinitionRead))
		} else if name != "" {
			props["roleDefinitionName"] = name
		}
	}
	id := *ra.ID
	return &azmodel.Res{Kind: azmodel.KindRoleAssignment, ID: id, Name: aksmodel.Str(ra.Name), Targets: []string{aksmodel.Str(ra.Properties.Scope)},
		Principal: aksmodel.Str(ra.Properties.PrincipalID), Value: v, Gaps: aksmodel.Gaps{}, Loc: liveLocator(id), Origin: azmodel.OriginLive, Group: "live", Label: id}
}

// roleName resolves a role definition id to the role's name: the
// well-known built-ins from aksmodel.RoleName, others with one GetByID per
// definition, cached (failures too).
func (l *live) roleName(def string) (string, error) {
	if n := aksmodel.RoleName(def); n != def {
		return n, nil
	}
	key := strings.ToLower(azmodel.LastSegment(def))
	if d, ok := l.roleDefs[key]; ok {
		return d.name, d.err
	}
	var d roleDef
	resp, err := l.definitions.GetByID(l.ctx, def, nil)
	if err != nil {
		d.err = err
	} else if resp.Properties != nil {
		d.name = aksmodel.Str(resp.Properties.RoleName)
	}
	l.roleDefs[key] = d
	return d.name, d.err
}

// sameScope compares ARM scopes: case-insensitive, trailing slash aside.
func sameScope(a, b string) bool {
	return a != "" && strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(b, "/"))
}

// objectIDLike accepts a GUID: the object id goes into an OData filter.
func objectIDLike(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// readFailure is a failed read's status, with the permission it needs
// when Azure refused it.
func readFailure(err error, need string) string {
	s := short(err)
	var re *azcore.ResponseError
	if errors.As(err, &re) && (re.StatusCode == http.StatusForbidden || re.StatusCode == http.StatusUnauthorized) {
		s += "; the scanning identity needs " + need
	}
	return s
}
