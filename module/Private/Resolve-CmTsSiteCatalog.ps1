function Resolve-CmTsSiteCatalog {
    <#
    .SYNOPSIS
    The site catalog for a request: -SiteCatalog, then the default chain (Find-CmTsSiteCatalog).
    Returns the full path, or writes a typed error through $Cmdlet and returns $null.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [AllowEmptyString()]
        [AllowNull()]
        [string] $SiteCatalog
    )

    $paths = $Cmdlet.SessionState.Path
    if ($SiteCatalog) { return $paths.GetUnresolvedProviderPathFromPSPath($SiteCatalog) }
    $config = Get-CmTsConfigPath
    try {
        $found = Find-CmTsSiteCatalog -PathIntrinsics $paths
    }
    catch {
        $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail ('{0} is not valid JSON: {1}' -f $config, $_.Exception.Message) -TargetObject $config))
        return $null
    }
    if ($found) { return $found }
    $detail = ' (no -SiteCatalog parameter, no CMTSMEDIA_SITE_CATALOG environment variable, no "siteCatalog" in {0})' -f $config
    $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_NOSITECATALOG' -Detail $detail -TargetObject $config))
    $null
}
