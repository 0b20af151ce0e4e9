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

function Resolve-CmTsSiteCatalog {
    <#
    .SYNOPSIS
    The site catalog for a request: -SiteCatalog, then $env:CMTSMEDIA_SITE_CATALOG, then "siteCatalog"
    in the per-machine config file. Returns the full path, or writes a typed error and returns $null.
    .DESCRIPTION
    Parameter and environment paths are relative to the current PowerShell location; a path in the
    config file is relative to the config file's folder. The demo catalog is never chosen here.
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
    if ($env:CMTSMEDIA_SITE_CATALOG) { return $paths.GetUnresolvedProviderPathFromPSPath($env:CMTSMEDIA_SITE_CATALOG) }

    $config = Get-CmTsConfigPath
    if (Test-Path -LiteralPath $config -PathType Leaf) {
        $value = $null
        try {
            $value = (ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($config, [System.Text.Encoding]::UTF8))).siteCatalog
        }
        catch {
            $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail ('{0} is not valid JSON: {1}' -f $config, $_.Exception.Message) -TargetObject $config))
            return $null
        }
        if ($value -is [string] -and $value) {
            return [System.IO.Path]::GetFullPath([System.IO.Path]::Combine((Split-Path -Path $config -Parent), $value))
        }
    }
    $detail = ' (no -SiteCatalog parameter, no CMTSMEDIA_SITE_CATALOG environment variable, no "siteCatalog" in {0})' -f $config
    $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_NOSITECATALOG' -Detail $detail -TargetObject $config))
    $null
}
