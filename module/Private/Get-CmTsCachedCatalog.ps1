function Get-CmTsCachedCatalog {
    <#
    .SYNOPSIS
    A site catalog file as an object, for tab completion: read with .NET only (no engine, no writes)
    and cached per file until its size or last write time changes. Returns $null on any failure.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Path
    )

    try {
        $file = New-Object System.IO.FileInfo ($Path)
        if (-not $file.Exists) { return $null }
        $stamp = '{0}|{1}' -f $file.Length, $file.LastWriteTimeUtc.Ticks
        $cached = $script:CatalogCompletionCache[$file.FullName]
        if ($null -ne $cached -and $cached.Stamp -eq $stamp) { return $cached.Site }
        $site = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($file.FullName, [System.Text.Encoding]::UTF8))
        $script:CatalogCompletionCache[$file.FullName] = @{ Stamp = $stamp; Site = $site }
        return $site
    }
    catch {
        return $null
    }
}
