function Get-CmTsCatalogBootImage {
    <#
    .SYNOPSIS
    The bootImages entries of a catalog file, for tab completion: read with .NET only (no engine, no
    writes) and cached per file until its size or last write time changes. Returns @() on any failure.
    #>
    [CmdletBinding()]
    [OutputType([object[]])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Path
    )

    try {
        $file = New-Object System.IO.FileInfo ($Path)
        if (-not $file.Exists) { return , @() }
        $stamp = '{0}|{1}' -f $file.Length, $file.LastWriteTimeUtc.Ticks
        $cached = $script:CatalogCompletionCache[$file.FullName]
        if ($null -ne $cached -and $cached.Stamp -eq $stamp) { return , $cached.Images }
        $site = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($file.FullName, [System.Text.Encoding]::UTF8))
        $images = @($site.bootImages | Where-Object { $null -ne $_ -and $_.packageId })
        $script:CatalogCompletionCache[$file.FullName] = @{ Stamp = $stamp; Images = $images }
        return , $images
    }
    catch {
        return , @()
    }
}
