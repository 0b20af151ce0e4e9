function Get-CMBootMediaImage {
    <#
    .SYNOPSIS
    Gets the boot images of a site catalog, with the architecture and version read from each WIM.

    .DESCRIPTION
    Get-CMBootMediaImage lists the boot images the site catalog describes. For each one the engine opens
    the WIM on the first distribution point that holds it and reads the boot image's own description:
    its architecture, its Windows version and its image name. A boot image whose WIM is on no
    distribution point, or cannot be read, is still listed; Problem then holds the error code
    (for example CREATETSMEDIA_E_MISSINGPACKAGE) that New-CMBootMedia would report for it.

    The objects have a PackageID property, as those of Microsoft's Get-CMBootImage do, and a
    SiteCatalog property, so they can be piped to New-CMBootMedia, which binds both by property name.

    The site catalog is found as for New-CMBootMedia: -SiteCatalog, else the CMTSMEDIA_SITE_CATALOG
    environment variable, else "siteCatalog" in the per-machine config file. -Demo lists the demo site
    shipped with the module.

    .PARAMETER SiteCatalog
    Path of the site catalog JSON file (schema in about_CmTsMedia).

    .PARAMETER Demo
    List the boot image of the demo site shipped with the module.

    .PARAMETER BootImageId
    Only the boot images whose package ID matches this wildcard pattern, for example PS1*. Alias
    PackageID. A pattern without wildcards that matches nothing is an error
    (CREATETSMEDIA_E_MISSINGPACKAGE), as in Get-Item.

    .EXAMPLE
    Get-CMBootMediaImage -SiteCatalog ./site.json

    Lists the boot images of the site with their package ID, architecture and Windows version.

    .EXAMPLE
    Get-CMBootMediaImage -Demo | New-CMBootMedia -MediaType CD -DestinationPath ./demo.iso

    Creates demo media for the demo boot image: PackageID and SiteCatalog bind by property name.

    .EXAMPLE
    Get-CMBootMediaImage -BootImageId PS1* | Where-Object Architecture -eq 'x64' | Select-Object -First 1 |
        New-CMBootMedia -MediaType CD -DestinationPath D:\Media\x64.iso

    Picks the first x64 boot image of the default site catalog and writes boot media for it.

    .EXAMPLE
    Get-CMBootMediaImage | Where-Object Problem | Format-Table PackageID, Problem, WimPath

    Shows which boot images cannot be used for media and why.

    .INPUTS
    None.

    .OUTPUTS
    CmTsMedia.BootImage

    .LINK
    New-CMBootMedia

    .LINK
    about_CmTsMedia
    #>
    [CmdletBinding(DefaultParameterSetName = 'Site')]
    [OutputType('CmTsMedia.BootImage')]
    param(
        [Parameter(ParameterSetName = 'Site', Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $SiteCatalog,

        [Parameter(Mandatory = $true, ParameterSetName = 'Demo')]
        [switch] $Demo,

        [Alias('PackageID')]
        [ValidateNotNullOrEmpty()]
        [string] $BootImageId = '*'
    )

    if ($Demo) {
        $catalog = Get-CmTsDemoCatalogPath
    }
    else {
        $catalog = Resolve-CmTsSiteCatalog -Cmdlet $PSCmdlet -SiteCatalog $SiteCatalog
        if (-not $catalog) { return }
    }

    $outcome = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'getBootImages' -Params @{ siteCatalog = $catalog } -Context @{ SiteCatalog = $catalog } -Activity 'Reading boot images'
    if ($outcome.ErrorRecord) {
        $PSCmdlet.WriteError($outcome.ErrorRecord)
        return
    }
    $pattern = New-Object System.Management.Automation.WildcardPattern ($BootImageId, [System.Management.Automation.WildcardOptions]::IgnoreCase)
    $found = 0
    foreach ($image in @($outcome.Result.bootImages)) {
        if ($null -eq $image -or -not $pattern.IsMatch([string]$image.packageId)) { continue }
        $found++
        ConvertTo-CmTsBootImage -Image $image -SiteCatalog $catalog
    }
    if ($found -eq 0 -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($BootImageId)) {
        $PSCmdlet.WriteError((New-CmTsErrorRecord -Code 'CREATETSMEDIA_E_MISSINGPACKAGE' -Detail $BootImageId -Context @{ SiteCatalog = $catalog }))
    }
}
