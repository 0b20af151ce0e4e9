function ConvertTo-CmTsSiteCatalogSummary {
    <#
    .SYNOPSIS
    The engine's writeSiteCatalog result as New-CMBootMediaSiteCatalog's output (PSTypeName CmTsMedia.SiteCatalog).
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.SiteCatalog')]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Result
    )

    $images = @(foreach ($image in @($Result.bootImages)) {
            if ($null -eq $image) { continue }
            [pscustomobject]@{
                PSTypeName         = 'CmTsMedia.SiteCatalogBootImage'
                PackageID          = [string]$image.packageId
                Name               = [string]$image.name
                Architecture       = [string]$image.architecture
                SourceVersion      = [int]$image.sourceVersion
                DistributionPoints = [string[]]@($image.distributionPoints | Where-Object { $_ })
                SiteCatalog        = [string]$Result.path
            }
        })
    [pscustomobject]@{
        PSTypeName             = 'CmTsMedia.SiteCatalog'
        SiteCode               = [string]$Result.siteCode
        SiteName               = [string]$Result.siteName
        ManagementPoints       = [string[]]@($Result.managementPoints)
        DefaultManagementPoint = [string]$Result.defaultManagementPoint
        BootImages             = $images
        DistributionPoints     = [string[]]@($Result.distributionPoints | ForEach-Object { $_.name })
        Path                   = [string]$Result.path
    }
}
