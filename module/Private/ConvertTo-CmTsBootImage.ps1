function ConvertTo-CmTsBootImage {
    <#
    .SYNOPSIS
    One entry of the engine's getBootImages result as a CmTsMedia.BootImage.
    .DESCRIPTION
    PackageID is the property name Microsoft's Get-CMBootImage uses, so the objects bind to
    New-CMBootMedia -BootImageId (alias PackageID) by property name; SiteCatalog binds too. Architecture
    and Version are what the WIM says about itself; the catalog's architecture is CatalogArchitecture.
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.BootImage')]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Image,

        [Parameter(Mandatory = $true)]
        [string] $SiteCatalog
    )

    $architecture = [string]$Image.wimArchitecture
    if (-not $architecture) { $architecture = [string]$Image.architecture }
    # MAJOR.MINOR.BUILD.SPBUILD from the WIM's XML; a version with fewer parts stays a string.
    $version = $null
    if ($Image.wimVersion) {
        $parsed = $null
        if ([version]::TryParse([string]$Image.wimVersion, [ref]$parsed)) { $version = $parsed } else { $version = [string]$Image.wimVersion }
    }
    [pscustomobject]@{
        PSTypeName          = 'CmTsMedia.BootImage'
        PackageID           = [string]$Image.packageId
        Name                = [string]$Image.name
        Architecture        = $architecture
        Version             = $version
        ImageName           = [string]$Image.wimImageName
        SourceVersion       = [int]$Image.sourceVersion
        SiteCode            = [string]$Image.siteCode
        CatalogArchitecture = [string]$Image.architecture
        DistributionPoints  = [string[]]@($Image.distributionPoints)
        WimPath             = [string]$Image.wimPath
        Problem             = [string]$Image.problem
        SiteCatalog         = $SiteCatalog
    }
}
