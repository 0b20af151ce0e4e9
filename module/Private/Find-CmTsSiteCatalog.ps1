function Find-CmTsSiteCatalog {
    <#
    .SYNOPSIS
    The default site catalog chain without -SiteCatalog: $env:CMTSMEDIA_SITE_CATALOG, then "siteCatalog"
    in the per-machine config file. Returns the full path, or $null; a broken config file throws.
    .DESCRIPTION
    The environment path is relative to the current PowerShell location (passed as $PathIntrinsics); a
    path in the config file is relative to the config file's folder. The demo catalog is never chosen here.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PathIntrinsics] $PathIntrinsics
    )

    if ($env:CMTSMEDIA_SITE_CATALOG) { return $PathIntrinsics.GetUnresolvedProviderPathFromPSPath($env:CMTSMEDIA_SITE_CATALOG) }
    $config = Get-CmTsConfigPath
    if (Test-Path -LiteralPath $config -PathType Leaf) {
        $value = (ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($config, [System.Text.Encoding]::UTF8))).siteCatalog
        if ($value -is [string] -and $value) {
            return [System.IO.Path]::GetFullPath([System.IO.Path]::Combine((Split-Path -Path $config -Parent), $value))
        }
    }
    $null
}
