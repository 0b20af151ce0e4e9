function Write-CmTsEngineEvent {
    <#
    .SYNOPSIS
    One engine event of a request (docs/protocol.md "Requests, responses, events"), written through the
    calling command so its -Verbose / -WarningAction apply.
    .DESCRIPTION
    started: the operation id, into the outcome and (inside a BootMediaJob runspace) the job.
    progress: Write-Progress, rate-limited: a record when the step changes, at the end of a step, and
    otherwise at most every 250 ms. Each write is a new ProgressRecord: a job's Progress collection
    keeps the objects it is given, so a reused record would show only its last state.
    log: verbose (or debug) records; warning: warnings; anything else: the raw line as debug.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [psobject] $Message,

        # The line as the engine wrote it.
        [Parameter(Mandatory = $true)]
        [string] $Line,

        [int] $EngineId,

        # Invoke-CmTsEngine's outcome (Result, ErrorRecord, OperationId), updated in place.
        [Parameter(Mandatory = $true)]
        [psobject] $Outcome,

        # The rate limit's state (Activity, Clock, LastStep, LastPercent, LastStatus), updated in place.
        [Parameter(Mandatory = $true)]
        [psobject] $Progress
    )

    $progressIntervalMs = 250
    switch ([string]$Message.event) {
        'started' {
            $Outcome.OperationId = [string]$Message.operationId
            # Inside a BootMediaJob runspace the job learns its operation id here.
            $job = $global:CmTsMediaCurrentJob
            if ($null -ne $job) {
                $job.EngineProcessId = $EngineId
                $job.OperationId = $Outcome.OperationId
            }
        }
        'progress' {
            $percent = [System.Math]::Max(0, [System.Math]::Min(100, [int]$Message.percent))
            $status = 'Step {0} of {1}: {2}' -f $Message.step, $Message.steps, $Message.stepInfo
            $newStep = $status -ne $Progress.LastStep
            if ($newStep -or ($percent -ne $Progress.LastPercent -and ($percent -eq 100 -or $Progress.Clock.ElapsedMilliseconds -ge $progressIntervalMs))) {
                $Progress.LastStep = $status
                $Progress.LastPercent = $percent
                $Progress.Clock.Restart()
                $record = New-Object System.Management.Automation.ProgressRecord (1, $Progress.Activity, $status)
                $record.PercentComplete = $percent
                $Cmdlet.WriteProgress($record)
                $Progress.LastStatus = $status
            }
        }
        'log' {
            $stream = if ($Message.level -eq 'debug') { 'Debug' } else { 'Verbose' }
            Write-CmTsStream -Cmdlet $Cmdlet -Stream $stream -Message ([string]$Message.message)
        }
        'warning' { Write-CmTsStream -Cmdlet $Cmdlet -Stream Warning -Message ([string]$Message.message) }
        default { Write-CmTsStream -Cmdlet $Cmdlet -Stream Debug -Message ('CmTsMedia engine: ' + $Line) }
    }
}
