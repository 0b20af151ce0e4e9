function Import-CmTsErrorTable {
    <#
    .SYNOPSIS
    Reads the one error table (errors.json, shared with the engine) and returns its rows.
    .DESCRIPTION
    The dist layout ships it as <ModuleBase>/data/errors.json; a source checkout keeps it at
    <ModuleBase>/engine/src/errors/errors.json. The module never carries a second copy.
    #>
    [CmdletBinding()]
    [OutputType([object[]])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $ModuleBase
    )

    $candidates = @(
        (Join-Path -Path $ModuleBase -ChildPath 'data/errors.json'),
        (Join-Path -Path $ModuleBase -ChildPath 'engine/src/errors/errors.json')
    )
    foreach ($path in $candidates) {
        if (Test-Path -LiteralPath $path -PathType Leaf) {
            $json = [System.IO.File]::ReadAllText($path, [System.Text.Encoding]::UTF8)
            $rows = @((ConvertFrom-Json -InputObject $json).errors)
            foreach ($row in $rows) {
                foreach ($field in 'code', 'hresult', 'type', 'group', 'category', 'message', 'action') {
                    if ([string]::IsNullOrEmpty([string]$row.$field)) {
                        $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord (
                            (New-Object System.IO.InvalidDataException ("{0}: a row has no '{1}'." -f $path, $field)),
                            'CmTsMediaErrorTableInvalid', 'InvalidData', $path)))
                    }
                }
            }
            return , $rows
        }
    }
    $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord (
        (New-Object System.IO.FileNotFoundException ('The CmTsMedia error table is missing; looked for: ' + ($candidates -join ', '))),
        'CmTsMediaErrorTableMissing', 'NotInstalled', $ModuleBase)))
}
