function New-CmTsMediaRequest {
    <#
    .SYNOPSIS
    The createBootMedia / checkBootMedia parameters (docs/protocol.md) from New-CMBootMedia's bound
    parameters and its resolved paths.
    .DESCRIPTION
    Only what the caller gave goes to the engine: an unbound [string] parameter is '' in PowerShell,
    which the engine would take as a value (an empty media label is an error there).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true)]
        [hashtable] $Bound,

        [Parameter(Mandatory = $true)]
        [hashtable] $Resolved
    )

    $request = @{}
    foreach ($name in $Resolved.Keys) { if ($null -ne $Resolved[$name]) { $request[$name] = $Resolved[$name] } }
    $names = @{
        MediaPassword = 'mediaPassword'; CertificatePassword = 'certificatePassword'; Variable = 'variables'; ConnectionOptions = 'connectionOptions'
        CertificateValidStart = 'certificateValidStart'; CertificateValidEnd = 'certificateValidEnd'; ImageSize = 'imageSizeBytes'
        MediaLabel = 'mediaLabel'; MediaMode = 'mediaMode'; ManagementPoint = 'managementPoints'; DistributionPoint = 'distributionPoint'
        PrestartCommand = 'prestartCommand'
    }
    foreach ($name in $names.Keys) {
        if ($Bound.ContainsKey($name)) { $request[$names[$name]] = $Bound[$name] }
    }
    $switches = @{ Force = 'force'; AllowUnknownMachine = 'allowUnknownMachine'; AllowUnattended = 'allowUnattended'; NoPrompt = 'noPrompt'; BootEx = 'bootEx' }
    foreach ($name in $switches.Keys) {
        if ($Bound.ContainsKey($name) -and [bool]$Bound[$name]) { $request[$switches[$name]] = $true }
    }
    $request
}
