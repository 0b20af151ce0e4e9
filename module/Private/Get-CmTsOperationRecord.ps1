function Get-CmTsOperationRecord {
    <#
    .SYNOPSIS
    The operations in the per-user state folder, read with .NET only, for tab completion of -OperationId.
    .DESCRIPTION
    The state folder is the engine's (docs/module.md): $env:CMTSMEDIA_STATE_DIR, else
    %LOCALAPPDATA%\CmTsMedia on Windows, else $XDG_STATE_HOME/cmtsmedia or ~/.local/state/cmtsmedia.
    Each operations/<id>.json is read as it is; a file that cannot be read is left out. The engine is
    never started (completion must be quick and change nothing). Newest first.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param()

    $root = $env:CMTSMEDIA_STATE_DIR
    if (-not $root) {
        if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT -and $env:LOCALAPPDATA) { $root = [System.IO.Path]::Combine($env:LOCALAPPDATA, 'CmTsMedia') }
        elseif ($env:XDG_STATE_HOME) { $root = [System.IO.Path]::Combine($env:XDG_STATE_HOME, 'cmtsmedia') }
        else { $root = [System.IO.Path]::Combine([System.Environment]::GetFolderPath('UserProfile'), '.local', 'state', 'cmtsmedia') }
    }
    $folder = [System.IO.Path]::Combine($root, 'operations')
    if (-not [System.IO.Directory]::Exists($folder)) { return }
    $records = foreach ($file in [System.IO.Directory]::GetFiles($folder, '*.json')) {
        try { ConvertFrom-CmTsJson -Line ([System.IO.File]::ReadAllText($file, [System.Text.Encoding]::UTF8)) }
        catch { continue }
    }
    @($records | Where-Object { $null -ne $_ -and $_.operationId }) | Sort-Object -Property { ConvertFrom-CmTsDate -Value $_.startedAt } -Descending
}
