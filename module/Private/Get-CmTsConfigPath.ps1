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
