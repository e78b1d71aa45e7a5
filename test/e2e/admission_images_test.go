package e2e

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// registerImageWebhooks points a validating webhook (and, for namespaces
// labelled with admission.PinLabel, the mutating one) at wh for Pods in
// namespaces labelled bulwark-e2e-images=true.
func registerImageWebhooks(t *testing.T, s *apiserver.Server, wh *webhook) {
	t.Helper()
	ctx := context.Background()
	validate, mutate := wh.base+"/validate", wh.base+"/mutate"
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"bulwark-e2e-images": "true"}}
	rules := []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
	}}
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "bulwark-e2e-images"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name: "validate.images.bulwark.dev", ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &validate, CABundle: wh.caPEM},
			AdmissionReviewVersions: []string{"v1"}, SideEffects: ptr.To(admissionregistrationv1.SideEffectClassNone),
			FailurePolicy: ptr.To(admissionregistrationv1.Fail), TimeoutSeconds: ptr.To(int32(5)), NamespaceSelector: sel, Rules: rules,
		}},
	}
	mwc := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "bulwark-e2e-images"},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name: "mutate.images.bulwark.dev", ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &mutate, CABundle: wh.caPEM},
			AdmissionReviewVersions: []string{"v1"}, SideEffects: ptr.To(admissionregistrationv1.SideEffectClassNone),
			FailurePolicy: ptr.To(admissionregistrationv1.Ignore), TimeoutSeconds: ptr.To(int32(5)), Rules: rules,
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"bulwark-e2e-images": "true", admission.PinLabel: "true"}},
		}},
	}
	adm := s.Client.AdmissionregistrationV1()
	apiserver.Must(t, func() error {
		_, err := adm.ValidatingWebhookConfigurations().Create(ctx, vwc, metav1.CreateOptions{})
		return err
	}())
	apiserver.Must(t, func() error {
		_, err := adm.MutatingWebhookConfigurations().Create(ctx, mwc, metav1.CreateOptions{})
		return err
	}())
	t.Cleanup(func() {
		_ = adm.ValidatingWebhookConfigurations().Delete(ctx, vwc.Name, metav1.DeleteOptions{})
		_ = adm.MutatingWebhookConfigurations().Delete(ctx, mwc.Name, metav1.DeleteOptions{})
	})
}

// TestAdmissionImageGate runs `admission serve --images` against the real
// kube-apiserver, with images in a loopback registry signed in the test
// and scanned by `bulwark scan image` into the cache the webhook reads: an
// unsigned image is denied naming the check, the image and the reason, a
// signed and scanned one admitted; in an opted-in namespace the tag comes
// back pinned to its digest; a registry that went away gives the failure
// mode, deny and then allow with a warning.
func TestAdmissionImageGate(t *testing.T) {
	s := shared(t)
	ctx := context.Background()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(true)))
	defer reg.Close()
	host := reg.Listener.Addr().String()
	ca := signtest.NewCA(t)
	trust := ca.WriteTrustDir(t, t.TempDir(), "*")
	signed, unsigned := host+"/shop/api:1.0", host+"/shop/tool:1.0"
	digest := signtest.PushRandomImage(t, signed)
	ca.Sign(t, signed)
	signtest.PushRandomImage(t, unsigned)

	// The pipeline: a vulnerability database, and scan image writing the
	// scan records into the cache the webhook reads.
	db, cache := t.TempDir(), t.TempDir()
	if r := bulwark(t, "db", "import", "--db-dir", db, filepath.Join("..", "..", "examples", "images", "osv")); r.code != 0 {
		t.Fatalf("db import: exit %d: %s", r.code, r.err)
	}
	if r := bulwark(t, "scan", "image", "--db-dir", db, "--cache-dir", cache, "--trust-policy", trust, "--no-base-check", signed, unsigned); r.code != 1 {
		t.Fatalf("scan image: exit %d, want 1 (the unsigned image): %s", r.code, r.err)
	}

	for _, ns := range []struct {
		name string
		pin  bool
	}{{"img-gate", false}, {"img-pin", true}} {
		l := map[string]string{"bulwark-e2e-images": "true"}
		if ns.pin {
			l[admission.PinLabel] = "true"
		}
		namespace(t, s, ns.name, l)
	}
	gateArgs := []string{"--fail-on", "high", "--images", "--trust-policy", trust, "--db-dir", db, "--cache-dir", cache}
	wh := startWebhook(t, s, append(gateArgs, "--failure-mode", "deny")...)
	registerImageWebhooks(t, s, wh)
	warn := &warnings{}
	cfg := rest.CopyConfig(s.Config)
	cfg.WarningHandler = warn
	client, err := kubernetes.NewForConfig(cfg)
	apiserver.Must(t, err)
	create := func(ns, name, image string) (*corev1.Pod, error) {
		p := admissionPod(ns, name, false)
		p.Spec.Containers[0].Image = image
		return client.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
	}

	// The unsigned image meets the webhook once the API server has the
	// configuration: retry until it does.
	var denied error
	for i := 0; ; i++ {
		_, denied = create("img-gate", fmt.Sprintf("tool-%d", i), unsigned)
		if denied != nil || i == 50 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if denied == nil {
		t.Fatal("an unsigned image was admitted")
	}
	for _, want := range []string{`admission webhook "validate.images.bulwark.dev" denied the request`, "IMG-010 image " + unsigned + ":",
		host + "/shop/tool@sha256:", "no Notation signature found"} {
		if !strings.Contains(denied.Error(), want) {
			t.Errorf("denial lacks %q:\n%v", want, denied)
		}
	}
	if _, err := create("img-gate", "api", signed); err != nil {
		t.Errorf("signed, scanned image denied: %v", err)
	}
	// Pinned in the opted-in namespace, to the digest the registry serves.
	p, err := create("img-pin", "api", signed)
	if err != nil {
		t.Fatalf("signed image denied in the pinning namespace: %v", err)
	}
	if got, want := p.Spec.Containers[0].Image, signed+"@"+digest.String(); got != want {
		t.Errorf("image came back as %q, want %q", got, want)
	}
	if p, err := client.CoreV1().Pods("img-gate").Get(ctx, "api", metav1.GetOptions{}); err != nil || p.Spec.Containers[0].Image != signed {
		t.Errorf("a namespace without the pin label got its image rewritten: %v %v", err, p)
	}

	// The registry goes away: failure mode deny, said in the message.
	reg.Close()
	_, err = create("img-gate", "api-2", signed)
	if err == nil || !strings.Contains(err.Error(), "image "+signed+" not assessed, denied by failure mode deny: resolving "+signed) {
		t.Errorf("registry gone, failure mode deny: %v", err)
	}
	wh.stop()

	// The same with failure mode allow: admitted, with a warning.
	wh = startWebhook(t, s, append(gateArgs, "--failure-mode", "allow")...)
	adm := s.Client.AdmissionregistrationV1()
	vwc, err := adm.ValidatingWebhookConfigurations().Get(ctx, "bulwark-e2e-images", metav1.GetOptions{})
	apiserver.Must(t, err)
	url := wh.base + "/validate"
	vwc.Webhooks[0].ClientConfig = admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: wh.caPEM}
	_, err = adm.ValidatingWebhookConfigurations().Update(ctx, vwc, metav1.UpdateOptions{})
	apiserver.Must(t, err)
	warn.take()
	for i := 0; ; i++ {
		_, err = create("img-gate", fmt.Sprintf("api-allow-%d", i), signed)
		w := warn.take()
		if err == nil && containsSubstring(w, "admitted by failure mode allow") {
			break
		}
		if i == 50 {
			t.Fatalf("registry gone, failure mode allow: %v, warnings %q", err, w)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func containsSubstring(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
