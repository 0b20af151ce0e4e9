function ConvertFrom-CmTsJson {
    <#
    .SYNOPSIS
    Parses one protocol line, keeping date strings as strings where the edition allows it.
    .DESCRIPTION
    PowerShell 7 turns ISO 8601 strings into DateTime (with a Kind that changed between releases) and
    only 7.5+ can switch that off with -DateKind String; 5.1 never converts. Dates are therefore parsed
    explicitly by ConvertFrom-CmTsDate, which accepts both forms.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Line
    )

    $options = @{}
    if ($script:JsonHasDateKind) { $options['DateKind'] = 'String' }
    ConvertFrom-Json -InputObject $Line @options
}
