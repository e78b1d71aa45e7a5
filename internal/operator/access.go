package operator

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/bulwark-sec/bulwark/internal/source/cluster"
)

// unreadable asks the API server (SelfSubjectAccessReview) which kinds
// the operator may not list and watch cluster-wide, and says why. A cache
// for such a kind would never sync; its checks are reported as not
// assessed instead.
func unreadable(ctx context.Context, cs kubernetes.Interface) (map[string]error, error) {
	out := map[string]error{}
	for _, k := range cluster.Kinds {
		for _, verb := range []string{"list", "watch"} {
			r, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
				Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
					Verb: verb, Group: k.Group, Version: k.Version, Resource: k.Resource}},
			}, metav1.CreateOptions{})
			if err != nil {
				return nil, fmt.Errorf("asking the API server what the operator may read: %w", err)
			}
			if !r.Status.Allowed {
				out[k.Kind] = fmt.Errorf("the operator may not %s %s cluster-wide (RBAC)", verb, k.GroupResource())
				break
			}
		}
	}
	return out, nil
}
