function Join-CmTsODataPages {
    <#
    .SYNOPSIS
    Follows @odata.nextLink and returns one envelope; a reply that is not JSON is returned as it is (the engine reports it).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowEmptyString()]
        [string] $Text,

        [hashtable] $Request = @{}
    )

    try { $page = $Text | ConvertFrom-Json -ErrorAction Stop } catch { return $Text }
    $next = $page.PSObject.Properties['@odata.nextLink']
    if ($null -eq $next) { return $Text }
    $rows = New-Object System.Collections.Generic.List[object]
    while ($true) {
        foreach ($row in @($page.value)) { $rows.Add($row) }
        $next = $page.PSObject.Properties['@odata.nextLink']
        if ($null -eq $next -or -not $next.Value) { break }
        $page = (Invoke-CmTsSiteRequest @Request -Uri ([string]$next.Value)) | ConvertFrom-Json
    }
    ConvertTo-Json -InputObject @{ value = $rows.ToArray() } -Depth 8 -Compress
}
