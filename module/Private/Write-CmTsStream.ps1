function Write-CmTsStream {
    <#
    .SYNOPSIS
    Writes an engine message to the verbose, debug or warning stream of the calling command, never
    prompting.
    .DESCRIPTION
    Written through the calling command ($Cmdlet) so that its -Verbose, -WarningAction and
    -InformationAction apply. One exception: with -Debug, PowerShell makes the command inquire before
    each verbose and warning record (and, in Windows PowerShell 5.1, each debug record), which throws
    "PowerShell is in NonInteractive mode" in -NonInteractive sessions, scheduled tasks and jobs. With
    -Debug the records are therefore written here with the preferences at Continue: everything shows,
    nothing asks; an explicit -WarningAction still rules warnings (docs/module.md "Streams").
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)]
        [ValidateSet('Verbose', 'Debug', 'Warning')]
        [string] $Stream,
        [Parameter(Mandatory = $true)]
        [AllowEmptyString()]
        [string] $Message
    )
    $bound = $Cmdlet.MyInvocation.BoundParameters
    $debugging = $bound.ContainsKey('Debug') -and [bool]$bound['Debug']
    if ($Stream -eq 'Warning') {
        if ($debugging -and -not $bound.ContainsKey('WarningAction')) {
            $WarningPreference = 'Continue'
            Write-Warning -Message $Message
        }
        else { $Cmdlet.WriteWarning($Message) }
        return
    }
    if (-not $debugging) {
        if ($Stream -eq 'Verbose') { $Cmdlet.WriteVerbose($Message) } else { $Cmdlet.WriteDebug($Message) }
        return
    }
    $VerbosePreference = 'Continue'
    $DebugPreference = 'Continue'
    if ($Stream -eq 'Verbose') { Write-Verbose -Message $Message } else { Write-Debug -Message $Message }
}
