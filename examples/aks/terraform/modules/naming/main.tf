# Resource names of one workload and environment, as the platform team
# spells them.

variable "workload" {
  type = string
}

variable "environment" {
  type = string
}

locals {
  suffix = lower(format("%s-%s", var.workload, var.environment))
}

output "resource_group" {
  value = "rg-${local.suffix}"
}

output "workspace" {
  value = "law-${local.suffix}"
}

output "cluster" {
  value = join("-", ["aks", local.suffix])
}

# Registry names are alphanumeric only.
output "registry" {
  value = replace("acr${local.suffix}", "-", "")
}
