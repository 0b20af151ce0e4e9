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

function ConvertFrom-CmTsHResult {
    <#
    .SYNOPSIS
    An HRESULT from the wire ("0x80040003" or a number, signed or not) as the Int32 .NET uses.
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param(
        [AllowNull()]
        [object] $Value
    )

    if ($null -eq $Value -or ($Value -is [string] -and $Value -eq '')) { return 0 }
    if ($Value -is [string] -and $Value -match '^0[xX]([0-9A-Fa-f]{1,8})$') {
        $unsigned = [System.Convert]::ToUInt32($Matches[1], 16)
    }
    else {
        $number = [int64]$Value
        if ($number -lt 0) { return [int]$number }
        $unsigned = [uint32]$number
    }
    [System.BitConverter]::ToInt32([System.BitConverter]::GetBytes($unsigned), 0)
}
