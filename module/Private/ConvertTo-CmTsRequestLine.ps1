function ConvertTo-CmTsRequestLine {
    <#
    .SYNOPSIS
    Serializes one engine request as a single JSON line (docs/protocol.md).
    .DESCRIPTION
    This is the only place where a SecureString becomes plain text: inside the JSON line that goes to the
    engine's stdin, never argv, the environment or verbose output. DateTime values become ISO 8601 UTC
    strings here because Windows PowerShell's ConvertTo-Json writes '\/Date(...)\/'.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Id,

        [Parameter(Mandatory = $true)]
        [string] $Command,

        [hashtable] $Params = @{}
    )

    $wire = @{}
    foreach ($key in $Params.Keys) {
        $value = $Params[$key]
        if ($null -eq $value) { continue }
        if ($value -is [System.Security.SecureString]) {
            $wire[$key] = ConvertFrom-CmTsSecureString -SecureString $value
        }
        elseif ($value -is [datetime]) {
            $wire[$key] = $value.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [System.Globalization.CultureInfo]::InvariantCulture)
        }
        elseif ($value -is [System.Collections.IDictionary]) {
            # Plain strings only: PSObject-wrapped values serialize with their extra members on 5.1.
            $map = @{}
            foreach ($name in $value.Keys) {
                $item = $value[$name]
                if ($item -is [System.Security.SecureString]) { $item = ConvertFrom-CmTsSecureString -SecureString $item }
                $map[[string]$name] = [string]$item
            }
            $wire[$key] = $map
        }
        elseif ($value -is [System.Management.Automation.PSCustomObject]) {
            # An object parameter (the disk's or the volume's facts): fields keep their JSON types; lists stay arrays.
            $object = [ordered]@{}
            foreach ($property in $value.PSObject.Properties) {
                $item = $property.Value
                if ($null -eq $item -or $item -is [string] -or $item -is [bool] -or $item -is [long] -or $item -is [int]) { $object[$property.Name] = $item }
                else { $object[$property.Name] = [string[]]@($item) }
            }
            $wire[$key] = $object
        }
        elseif ($value -is [long] -or $value -is [int]) {
            $wire[$key] = $value
        }
        elseif ($value -is [System.Array]) {
            # A list parameter (removeStatus operationIds, -ManagementPoint): an array of strings, also with one item.
            $wire[$key] = [string[]]@($value | ForEach-Object { [string]$_ })
        }
        elseif ($value -is [bool] -or $value -is [System.Management.Automation.SwitchParameter]) {
            $wire[$key] = [bool]$value
        }
        else {
            $wire[$key] = [string]$value
        }
    }
    $request = [ordered]@{ id = $Id; command = $Command; params = $wire }
    ConvertTo-Json -InputObject $request -Depth 5 -Compress
}
