variable "workload" {
  type        = string
  description = "Short name of the workload, in every resource name."
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "kubernetes_version" {
  type    = string
  default = "1.34"
}

variable "authorized_ip_ranges" {
  type        = list(string)
  description = "CIDRs allowed to reach the API server."
}

variable "user_pools" {
  description = "User node pools by name."
  type = map(object({
    vm_size         = string
    host_encryption = optional(bool, true)
    public_ip       = optional(bool, false)
    os_disk         = optional(string, "Ephemeral")
  }))
  default = {}
}

variable "admin_group_object_ids" {
  type    = list(string)
  default = ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]
}

variable "release_manager_object_id" {
  type    = string
  default = "6f5e4d3c-2b1a-4098-8776-655443322110"
}
