workload             = "orders"
environment          = "prod"
kubernetes_version   = "1.35"
authorized_ip_ranges = ["198.51.100.0/24", "172.16.0.0/12"]

user_pools = {
  web  = { vm_size = "Standard_D8ds_v5", host_encryption = false }
  jobs = { vm_size = "Standard_E8ds_v5", public_ip = true, os_disk = "Managed" }
}
