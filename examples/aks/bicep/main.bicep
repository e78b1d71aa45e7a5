// Checkout platform: a hardened AKS cluster, its registry and their logs.
// Compiled to main.json with `az bicep build --file main.bicep`; Bulwark
// scans the compiled template.

@description('Cluster name.')
param clusterName string = 'aks-checkout-prod'

param location string = resourceGroup().location

@description('Entra ID group holding cluster-admin.')
param adminGroupObjectId string = '5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170'

param kubernetesVersion string = '1.35.3'

@description('User node pools; the system pool is fixed.')
param userPools array = [
  {
    name: 'web'
    vmSize: 'Standard_D8ds_v5'
    minCount: 3
    maxCount: 12
  }
  {
    name: 'batch'
    vmSize: 'Standard_E8ds_v5'
    minCount: 1
    maxCount: 6
  }
]

param acrName string = 'acrcheckoutprod'
param workspaceName string = 'law-checkout-prod'
param kmsKeyId string = 'https://kv-checkout-prod.vault.azure.net/keys/etcd-kek/4f1e2d3c4b5a69788796a5b4c3d2e1f0'
param kmsVaultName string = 'kv-checkout-prod'
param diskEncryptionSetName string = 'des-checkout-prod'
param peSubnetId string = '/subscriptions/7c6b5a49-3827-4165-9d8c-7b6a5f4e3d2c/resourceGroups/rg-network-prod/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-private-endpoints'

resource law 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

// A preview API version: SSH access, pod link-local access and Image
// Integrity are not in the stable API yet.
resource aks 'Microsoft.ContainerService/managedClusters@2025-05-02-preview' = {
  name: clusterName
  location: location
  sku: {
    name: 'Base'
    tier: 'Standard'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    kubernetesVersion: kubernetesVersion
    dnsPrefix: clusterName
    enableRBAC: true
    disableLocalAccounts: true
    diskEncryptionSetID: resourceId('Microsoft.Compute/diskEncryptionSets', diskEncryptionSetName)
    aadProfile: {
      managed: true
      enableAzureRBAC: true
      adminGroupObjectIDs: [
        adminGroupObjectId
      ]
    }
    apiServerAccessProfile: {
      enablePrivateCluster: true
      enablePrivateClusterPublicFQDN: false
      disableRunCommand: true
    }
    publicNetworkAccess: 'Disabled'
    nodeResourceGroupProfile: {
      restrictionLevel: 'ReadOnly'
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkDataplane: 'cilium'
      networkPolicy: 'cilium'
      loadBalancerSku: 'standard'
      outboundType: 'userDefinedRouting'
      podLinkLocalAccess: 'None'
    }
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
      defender: {
        logAnalyticsWorkspaceResourceId: law.id
        securityMonitoring: {
          enabled: true
        }
      }
      azureKeyVaultKms: {
        enabled: true
        keyId: kmsKeyId
        keyVaultNetworkAccess: 'Private'
        keyVaultResourceId: resourceId('Microsoft.KeyVault/vaults', kmsVaultName)
      }
      imageCleaner: {
        enabled: true
        intervalHours: 24
      }
      imageIntegrity: {
        enabled: true
      }
    }
    azureMonitorProfile: {
      metrics: {
        enabled: true
      }
    }
    addonProfiles: {
      azurepolicy: {
        enabled: true
      }
      omsagent: {
        enabled: true
        config: {
          logAnalyticsWorkspaceResourceID: law.id
          useAADAuth: 'true'
        }
      }
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: {
          enableSecretRotation: 'true'
          rotationPollInterval: '2m'
        }
      }
    }
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'SecurityPatch'
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        vmSize: 'Standard_D4ds_v5'
        count: 3
        availabilityZones: ['1', '2', '3']
        osSKU: 'AzureLinux'
        osDiskType: 'Ephemeral'
        enableEncryptionAtHost: true
        enableFIPS: true
        nodeTaints: ['CriticalAddonsOnly=true:NoSchedule']
        securityProfile: {
          enableSecureBoot: true
          enableVTPM: true
          sshAccess: 'Disabled'
        }
      }
    ]
  }
}

resource pools 'Microsoft.ContainerService/managedClusters/agentPools@2025-05-02-preview' = [for pool in userPools: {
  parent: aks
  name: pool.name
  properties: {
    mode: 'User'
    vmSize: pool.vmSize
    enableAutoScaling: true
    minCount: pool.minCount
    maxCount: pool.maxCount
    availabilityZones: ['1', '2', '3']
    osSKU: 'AzureLinux'
    osDiskType: 'Ephemeral'
    enableEncryptionAtHost: true
    enableFIPS: true
    securityProfile: {
      enableSecureBoot: true
      enableVTPM: true
      sshAccess: 'Disabled'
    }
  }
}]

resource autoUpgradeWindow 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations@2025-02-01' = {
  parent: aks
  name: 'aksManagedAutoUpgradeSchedule'
  properties: {
    maintenanceWindow: {
      schedule: {
        weekly: {
          intervalWeeks: 1
          dayOfWeek: 'Sunday'
        }
      }
      durationHours: 4
      startTime: '01:00'
      utcOffset: '+01:00'
    }
  }
}

resource nodeOSWindow 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations@2025-02-01' = {
  parent: aks
  name: 'aksManagedNodeOSUpgradeSchedule'
  properties: {
    maintenanceWindow: {
      schedule: {
        weekly: {
          intervalWeeks: 1
          dayOfWeek: 'Saturday'
        }
      }
      durationHours: 4
      startTime: '01:00'
      utcOffset: '+01:00'
    }
  }
}

resource aksDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'aks-to-law'
  scope: aks
  properties: {
    workspaceId: law.id
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      { category: 'kube-audit-admin', enabled: true }
      { category: 'guard', enabled: true }
      { category: 'kube-apiserver', enabled: true }
      { category: 'kube-controller-manager', enabled: true }
      { category: 'kube-scheduler', enabled: true }
      { category: 'cluster-autoscaler', enabled: true }
    ]
  }
}

module registry 'registry.bicep' = {
  name: 'registry'
  params: {
    acrName: acrName
    location: location
    workspaceId: law.id
    peSubnetId: peSubnetId
    kubeletObjectId: aks.properties.identityProfile.kubeletidentity.objectId
  }
}
