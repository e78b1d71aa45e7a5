# Orders platform on AKS (azurerm v4): this root module, its variables
# (variables.tf, terraform.tfvars) and the local module ./modules/naming.
# `terraform plan -out tfplan && terraform show -json tfplan | jq . >
# plan.json` produced plan.json. `bulwark scan aks main.tf` reads this
# source; `bulwark scan aks .` reads the plan beside it.

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

module "naming" {
  source      = "./modules/naming"
  workload    = var.workload
  environment = var.environment
}

locals {
  location      = "westeurope"
  audit_logs    = ["kube-audit-admin", "guard"]
  pool_defaults = { min_count = 1, max_count = 10, os_sku = "AzureLinux" }
}

resource "azurerm_resource_group" "orders" {
  name     = module.naming.resource_group
  location = local.location
}

resource "azurerm_log_analytics_workspace" "law" {
  name                = module.naming.workspace
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
  name                = module.naming.cluster
  location            = azurerm_resource_group.orders.location
  resource_group_name = azurerm_resource_group.orders.name
  dns_prefix          = module.naming.cluster
  kubernetes_version  = var.kubernetes_version
  sku_tier            = "Standard"

  local_account_disabled    = true
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  azure_policy_enabled      = true
  image_cleaner_enabled     = false

  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ip_ranges
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
  for_each = var.user_pools

  name                    = each.key
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  vm_size                 = each.value.vm_size
  mode                    = "User"
  auto_scaling_enabled    = true
  min_count               = local.pool_defaults.min_count
  max_count               = local.pool_defaults.max_count
  zones                   = ["1", "2", "3"]
  os_sku                  = local.pool_defaults.os_sku
  os_disk_type            = each.value.os_disk
  host_encryption_enabled = each.value.host_encryption
  node_public_ip_enabled  = each.value.public_ip
}

resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                       = "aks-audit"
  target_resource_id         = azurerm_kubernetes_cluster.main.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.law.id

  dynamic "enabled_log" {
    for_each = toset(local.audit_logs)
    content {
      category = enabled_log.value
    }
  }
}

resource "azurerm_container_registry" "acr" {
  name                          = module.naming.registry
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
