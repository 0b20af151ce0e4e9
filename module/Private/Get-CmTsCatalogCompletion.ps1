function Get-CmTsCatalogCompletion {
    <#
    .SYNOPSIS
    Tab completion from the site catalog the command would use: -BootImageId (package IDs, with name
    and architecture), -ManagementPoint and -DistributionPoint (server names, as the catalog lists them).
    .DESCRIPTION
    The catalog is the demo catalog with -Demo, else -SiteCatalog, else the default chain
    (Find-CmTsSiteCatalog), read through Get-CmTsCachedCatalog. Each value once (names compare
    case-insensitively, as ConfigMgr's do). Nothing is returned when anything fails.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.CompletionResult])]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('BootImageId', 'ManagementPoint', 'DistributionPoint')]
        [string] $ParameterName,

        [AllowEmptyString()]
        [string] $WordToComplete,

        [Parameter(Mandatory = $true)]
        [System.Collections.IDictionary] $BoundParameters
    )

    try {
        $catalog = $null
        if ($BoundParameters.Contains('Demo')) { $catalog = Get-CmTsDemoCatalogPath }
        elseif ($BoundParameters.Contains('SiteCatalog')) {
            $catalog = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath([string]$BoundParameters['SiteCatalog'])
        }
        else { $catalog = Find-CmTsSiteCatalog -PathIntrinsics $ExecutionContext.SessionState.Path }
        if (-not $catalog) { return }
        $site = Get-CmTsCachedCatalog -Path $catalog
        if ($null -eq $site) { return }
        $entries = @(switch ($ParameterName) {
            'BootImageId' { foreach ($image in @($site.bootImages)) { if ($image.packageId) { , @([string]$image.packageId, ('{0} ({1})' -f $image.name, $image.architecture)) } } }
            'ManagementPoint' { foreach ($mp in @($site.managementPoints)) { if ($mp.name) { , @([string]$mp.name, ('management point {0}' -f $mp.url)) } } }
            'DistributionPoint' { foreach ($dp in @($site.distributionPoints)) { if ($dp.name) { , @([string]$dp.name, 'distribution point') } } }
        })
        $word = ([string]$WordToComplete).Trim("'", '"')
        $seen = @{}
        foreach ($entry in $entries) {
            $text = $entry[0]
            if ($text -notlike ($word + '*') -or $seen.ContainsKey($text.ToUpperInvariant())) { continue }
            $seen[$text.ToUpperInvariant()] = $true
            New-Object System.Management.Automation.CompletionResult ($text, $text, 'ParameterValue', $entry[1])
        }
    }
    catch { return }
}
