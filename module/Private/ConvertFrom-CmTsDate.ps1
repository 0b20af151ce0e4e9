function ConvertFrom-CmTsDate {
    <#
    .SYNOPSIS
    An ISO 8601 string (or a DateTime made by ConvertFrom-Json) as a UTC DateTime; $null stays $null.
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param(
        [AllowNull()]
        [object] $Value
    )

    if ($null -eq $Value -or ($Value -is [string] -and $Value -eq '')) { return $null }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime() }
    if ($Value -is [System.DateTimeOffset]) { return $Value.UtcDateTime }
    [System.DateTimeOffset]::Parse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture,
        [System.Globalization.DateTimeStyles]::AssumeUniversal).UtcDateTime
}
