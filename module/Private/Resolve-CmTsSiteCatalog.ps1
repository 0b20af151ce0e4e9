function Get-CmTsConfigPath {
    <#
    .SYNOPSIS
    The per-machine configuration file: $env:CMTSMEDIA_CONFIG, else %ProgramData%\CmTsMedia\config.json
    on Windows, /etc/cmtsmedia/config.json elsewhere.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if ($env:CMTSMEDIA_CONFIG) { return $env:CMTSMEDIA_CONFIG }
    if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
        return [System.IO.Path]::Combine([System.Environment]::GetFolderPath('CommonApplicationData'), 'CmTsMedia', 'config.json')
    }
    '/etc/cmtsmedia/config.json'
}

function Get-CmTsDemoCatalogPath {
    <#
    .SYNOPSIS
    The demo site's catalog shipped with the module (module/Demo/site.json).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    [System.IO.Path]::Combine($script:ModuleBase, 'module', 'Demo', 'site.json')
}

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
