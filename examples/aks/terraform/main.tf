# Orders platform on AKS (azurerm v4). `terraform plan -out tfplan &&
# terraform show -json tfplan | jq . > plan.json` produced plan.json.

terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "admin_group_object_ids" {
  type    = list(string)
  default = ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]
}

variable "release_manager_object_id" {
  type    = string
  default = "6f5e4d3c-2b1a-4098-8776-655443322110"
}

resource "azurerm_resource_group" "orders" {
  name     = "rg-orders-prod"
  location = "westeurope"
}

resource "azurerm_log_analytics_workspace" "law" {
  name                = "law-orders-prod"
  location            = azurerm_resource_group.orders.location
  resource_group_name = azurerm_resource_group.orders.name
  sku                 = "PerGB2018"
  retention_in_days   = 90
}

resource "azurerm_key_vault_key" "etcd" {
  name         = "etcd-kek"
  key_vault_id = "/subscriptions/3f2e1d0c-9b8a-4766-8554-433221100ffe/resourceGroups/rg-security-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_kubernetes_cluster" "main" {
  name                = "aks-orders-prod"
  location            = azurerm_resource_group.orders.location
  resource_group_name = azurerm_resource_group.orders.name
  dns_prefix          = "aks-orders-prod"
  kubernetes_version  = "1.35"
  sku_tier            = "Standard"

  local_account_disabled    = true
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  azure_policy_enabled      = true
  image_cleaner_enabled     = false

  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"

  api_server_access_profile {
    authorized_ip_ranges = ["198.51.100.0/24", "172.16.0.0/12"]
  }

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_group_object_ids
  }

  identity {
    type = "SystemAssigned"
  }

  default_node_pool {
    name                         = "system"
    vm_size                      = "Standard_D4ds_v5"
    node_count                   = 3
    zones                        = ["1", "2", "3"]
    os_sku                       = "AzureLinux"
    os_disk_type                 = "Ephemeral"
    host_encryption_enabled      = true
    only_critical_addons_enabled = true
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "azure"
    load_balancer_sku   = "standard"
    outbound_type       = "loadBalancer"
  }

  key_management_service {
    key_vault_key_id         = azurerm_key_vault_key.etcd.id
    key_vault_network_access = "Public"
  }

  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.law.id
    msi_auth_for_monitoring_enabled = true
  }

  microsoft_defender {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.law.id
  }

  key_vault_secrets_provider {
    secret_rotation_enabled = true
  }

  maintenance_window_auto_upgrade {
    frequency   = "Weekly"
    interval    = 1
    duration    = 4
    day_of_week = "Sunday"
    start_time  = "01:00"
    utc_offset  = "+01:00"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each = {
    web  = { vm_size = "Standard_D8ds_v5", host_encryption = false, public_ip = false, os_disk = "Ephemeral" }
    jobs = { vm_size = "Standard_E8ds_v5", host_encryption = true, public_ip = true, os_disk = "Managed" }
  }

  name                    = each.key
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  vm_size                 = each.value.vm_size
  mode                    = "User"
  auto_scaling_enabled    = true
  min_count               = 1
  max_count               = 10
  zones                   = ["1", "2", "3"]
  os_sku                  = "AzureLinux"
  os_disk_type            = each.value.os_disk
  host_encryption_enabled = each.value.host_encryption
  node_public_ip_enabled  = each.value.public_ip
}

resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                       = "aks-audit"
  target_resource_id         = azurerm_kubernetes_cluster.main.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.law.id

  enabled_log {
    category = "kube-audit-admin"
  }

  enabled_log {
    category = "guard"
  }
}

resource "azurerm_container_registry" "acr" {
  name                          = "acrordersprod"
  resource_group_name           = azurerm_resource_group.orders.name
  location                      = azurerm_resource_group.orders.location
  sku                           = "Standard"
  admin_enabled                 = true
  public_network_access_enabled = true
}

resource "azurerm_role_assignment" "kubelet_acr_pull" {
  scope                            = azurerm_container_registry.acr.id
  role_definition_name             = "AcrPull"
  principal_id                     = azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id
  skip_service_principal_aad_check = true
}

resource "azurerm_role_assignment" "release_manager_push" {
  scope                = azurerm_container_registry.acr.id
  role_definition_name = "AcrPush"
  principal_id         = var.release_manager_object_id
  principal_type       = "User"
}
