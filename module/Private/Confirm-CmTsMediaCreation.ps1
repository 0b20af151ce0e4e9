function Confirm-CmTsMediaCreation {
    <#
    .SYNOPSIS
    ShouldProcess for New-CMBootMedia, after the engine's check (checkBootMedia) named the destination;
    $true when the creation may go on.
    .DESCRIPTION
    -WhatIf prints "What if: ..." with what the creation would write where. A disk that would be erased
    (UFD+FORMAT) is asked about even at the default $ConfirmPreference unless -Force (ConfirmImpact High
    for UFD+FORMAT; PSScriptAnalyzer AvoidShouldContinueWithoutForce), with No as the default answer;
    -Confirm has asked already, and a job's runspace cannot ask (its caller confirmed before creating it).
    A host that cannot ask (pwsh -NonInteractive, a service) gets an error that says to add -Force.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [string] $MediaType,

        [Parameter(Mandatory = $true)]
        [string] $BootImageId,

        [Parameter(Mandatory = $true)]
        [string] $Destination,

        # The destination as the engine's check names it ("/dev/sdc (SanDisk Ultra, 14.9 GiB)"), or
        # nothing when no check ran.
        [string] $Target,

        # The media's size from the check, shown for CD and UFD.
        [long] $SizeBytes,

        # The creation erases a disk (UFD+FORMAT, anything but a new image file).
        [switch] $Erases,

        [switch] $Force,

        [switch] $AskedAlready
    )

    $action = 'Create {0} boot media from boot image {1}' -f $MediaType, $BootImageId
    if (-not $Target) { return $Cmdlet.ShouldProcess($Destination, $action) }
    if ($Erases) { $consequence = 'All data on {0} will be erased' -f $Target }
    elseif ($MediaType -eq 'UFD+FORMAT') { $consequence = 'The media will be written to {0}' -f $Target }
    else { $consequence = 'The media ({0:N1} MiB) will be written to {1}' -f ($SizeBytes / 1MB), $Target }
    $caption = 'Format disk for boot media'
    if (-not $Erases) { return $Cmdlet.ShouldProcess(('{0}. {1}.' -f $action, $consequence), ('{0}. Continue?' -f $consequence), 'Create boot media') }
    if (-not $Cmdlet.ShouldProcess(('{0}. {1}.' -f $action, $consequence), ('{0}. Continue?' -f $consequence), $caption)) { return $false }
    if ($Force -or $AskedAlready -or $null -ne $global:CmTsMediaCurrentJob) { return $true }
    $yesToAll = $false
    $noToAll = $false
    try {
        # hasSecurityImpact: the default answer is No.
        return $Cmdlet.ShouldContinue(('{0}. Continue?' -f $consequence), $caption, $true, [ref]$yesToAll, [ref]$noToAll)
    }
    catch [System.Management.Automation.MethodInvocationException], [System.Management.Automation.PSInvalidOperationException] {
        $reason = $_.Exception
        if ($reason -is [System.Management.Automation.MethodInvocationException]) { $reason = $reason.InnerException }
        if ($reason -isnot [System.Management.Automation.PSInvalidOperationException]) { $Cmdlet.ThrowTerminatingError($_) }
        $detail = '-MediaType UFD+FORMAT erases {0} and this host cannot ask for confirmation; add -Force' -f $Target
        $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail $detail -TargetObject $Destination))
        return $false
    }
}
