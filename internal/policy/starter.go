package policy

// Starter is what `bulwark policy init` writes: every field, commented.
// A test keeps it valid.
const Starter = `# Bulwark policy: the rules a scan is judged by. Field reference: docs/policy.md
apiVersion: bulwark.dev/v1alpha1
kind: Policy

# Lowest severity that fails the gate: info, low, medium, high, critical or none.
# An explicit --fail-on flag wins over it.
failOn: high

# Give findings time before they fail the gate: due date = first seen + grace.
# First-seen dates come from the baseline file (bulwark baseline update), which
# you commit next to this file. A severity without an entry gets no grace.
gracePeriods:
  critical: 0d
  high: 14d
  medium: 30d
  low: 90d

# Change the severity of single checks (bulwark checks list shows their defaults).
severityOverrides: {}
#  K8S-029: medium

# Which checks run: check ids or areas (pod-security, host, images, secrets,
# identity, exposure, resources, namespaces). An empty include means all.
checks:
  include: []
  exclude: []
#  exclude: [resources, K8S-018]

# Waive findings for a while. checks, reason, owner and expires are required;
# an expired exception stops applying and the run says so. Resource fields are
# globs (* and ?); every field given must match.
exceptions: []
#- checks: [K8S-005, K8S-006]
#  resources:
#    kind: DaemonSet
#    namespace: logging
#    name: log-agent*
#    labels: {app.kubernetes.io/part-of: observability}
#  reason: the log agent reads /var/log/pods until the AKS Container Insights migration
#  owner: platform-observability@contoso.com
#  expires: 2027-03-31

# Honour per-object annotations such as
#   bulwark.dev/except: "K8S-029 until=2027-01-31 reason=legacy image writes /var/cache"
# Off by default: anyone who can edit a manifest could waive its findings.
annotationExceptions: false

images:
  # K8S-043: images must come from these registries (host, optional path prefix).
  allowedRegistries: []
#  allowedRegistries: [contosoregistry.azurecr.io, mcr.microsoft.com]
  # IMG-010/IMG-011: the Notation trust policy images must verify against, a
  # directory holding trustpolicy.json and truststore/x509/... (see docs/images.md).
#  trustPolicy: notation/

# Image vulnerability checks (IMG-001..IMG-005; scan image, --images).
vulnerabilities:
  ignoreUnfixed: false     # leave out advisories without a published fix
  maxDatabaseAge: 7d       # warn when the vulnerability data is older
#  failOn: critical        # gate of the vulnerability checks alone (failOn gates the rest)
#  unrated: medium         # gate of advisories no data rates (IMG-005): a severity, or ignore
`
