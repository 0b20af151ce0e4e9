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
