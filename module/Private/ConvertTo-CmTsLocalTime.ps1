function ConvertTo-CmTsLocalTime {
    <#
    .SYNOPSIS
    A UTC DateTime as local time (Kind Local) for display; $null stays $null.
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param(
        [AllowNull()]
        [object] $Utc
    )

    if ($null -eq $Utc) { return $null }
    ([datetime]$Utc).ToLocalTime()
}
