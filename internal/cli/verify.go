package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newVerify(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify image signatures",
	}
	cmd.AddCommand(newVerifyImage(s))
	return cmd
}

func newVerifyImage(s *streams) *cobra.Command {
	var (
		trustDir   string
		policyFile string
		format     string
		timeout    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "image REF...",
		Short: "Verify images' Notary Project (Notation) signatures against a trust policy",
		Long: `Verify that each image carries a Notary Project (Notation) signature from an identity
the trust policy trusts. A tag is resolved to its digest first and the digest is what
gets verified (the output names it: deploy that digest). Signatures are found through
the registry's referrers API, or the sha256-<digest> tag schema on registries without
it; JWS and COSE envelopes are both accepted.

The trust policy and trust store are in Notation's own formats: --trust-policy DIR
holds trustpolicy.json (or trustpolicy.oci.json) and truststore/x509/{ca,
signingAuthority,tsa}/<name>/*.pem; without the flag, images.trustPolicy of the policy
file is used. Only a policy level that enforces authenticity (strict, permissive)
can verify an image: audit and skip never count as verified.

Exit codes: 0 every image verified, 1 some image did not verify (the reason is
printed), 2 a signature could not be checked (registry unreachable, access denied,
bad trust policy).`,
		Example: `  bulwark verify image myacr.azurecr.io/shop/api:1.4.1 --trust-policy ./notation
  bulwark verify image myacr.azurecr.io/shop/api@sha256:4f1c... --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := formatFlag(format, []string{"table", "json"}, false)
			if err != nil {
				return err
			}
			format = f
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			out, err := scan.VerifyImages(ctx, args, trustDir, policyFile)
			if err != nil {
				return inputError(err)
			}
			code := report.ExitPass
			for _, vd := range out {
				switch {
				case vd.Error != "":
					code = report.ExitError
				case !vd.Verified && code == report.ExitPass:
					code = report.ExitFail
				}
			}
			if format == "json" {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(out); err != nil {
					return err
				}
			} else {
				for _, vd := range out {
					where := vd.Reference
					if vd.Digest != "" {
						where = vd.Repository + "@" + vd.Digest
					}
					switch {
					case vd.Error != "":
						fmt.Fprintf(s.out, "ERROR     %s: %s\n", vd.Reference, vd.Error)
					case vd.Verified:
						fmt.Fprintf(s.out, "VERIFIED  %s\n          signed by %q (trust policy %q, level %s)\n", where, vd.Signer, vd.Policy, vd.Level)
					default:
						fmt.Fprintf(s.out, "FAILED    %s: %s\n", where, vd.Reason)
					}
					for _, w := range vd.Warnings {
						fmt.Fprintf(s.out, "          warning: %s\n", w)
					}
				}
			}
			if code != report.ExitPass {
				return &exitError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&trustDir, "trust-policy", "", "Notation trust directory: trustpolicy.json and truststore/ (default: images.trustPolicy in the policy file)")
	cmd.Flags().StringVar(&policyFile, "policy", "", "policy file whose images.trustPolicy to use (default: bulwark.yaml in the working directory or a parent)")
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "give up after this long")
	return cmd
}
