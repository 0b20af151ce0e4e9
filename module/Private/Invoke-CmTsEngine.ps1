function Invoke-CmTsEngine {
    <#
    .SYNOPSIS
    Runs one engine request and relays its events through the calling command.
    .DESCRIPTION
    The seam between the public commands and the engine process (tests can mock it). Progress events
    become Write-Progress, log events verbose (or debug) records, warning events warnings, all written
    by the calling command so its -Verbose / -WarningAction apply. Returns an object with Result (the
    engine's result), ErrorRecord (a typed error for a failed request) and OperationId.
    The engine is the session's resident engine (Get-CmTsEngine). On Ctrl+C / Stop-Job, or when it
    broke, it is ended in finally: the request is canceled (cancel command, then stdin EOF), given a
    few seconds to clean up, then killed.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [string] $Command,

        [hashtable] $Params = @{},

        # Resolved paths of the request, for the TargetObject of errors.
        [hashtable] $Context = @{},

        [string] $Activity = 'CmTsMedia'
    )

    $engine = Get-CmTsEngine -Cmdlet $Cmdlet
    $script:RequestCount++
    $id = [string]$script:RequestCount
    $outcome = [pscustomobject]@{ Result = $null; ErrorRecord = $null; OperationId = $null }
    # Write-Progress is rate-limited: a record when the step changes, at the end of a step, and otherwise
    # at most every $progressIntervalMs. Each write is a new ProgressRecord: a job's Progress collection
    # keeps the objects it is given, so a reused record would show only its last state.
    $progressIntervalMs = 250
    $progressClock = [System.Diagnostics.Stopwatch]::StartNew()
    $lastStep = ''
    $lastPercent = -1
    $lastStatus = $null
    $finished = $false
    try {
        $engine.Send((ConvertTo-CmTsRequestLine -Id $id -Command $Command -Params $Params))
        while (-not $finished) {
            $line = $null
            # A short timeout keeps the loop responsive to Ctrl+C / StopProcessing.
            $state = $engine.ReadLine([ref]$line, 200)
            if ($state -eq 0) { continue }
            if ($state -lt 0) {
                $engine.CloseInput()
                [void]$engine.Shutdown($null, 2000)
                $stderr = @($engine.TakeStderr())
                foreach ($stderrLine in $stderr) { Write-CmTsStream -Cmdlet $Cmdlet -Stream Debug -Message ('CmTsMedia engine stderr: ' + $stderrLine) }
                $detail = 'the engine ended (exit code {0}) without answering {1}; stderr: {2}' -f $engine.ExitCode, $Command, (Get-CmTsEngineStderrReason -Lines $stderr)
                $outcome.ErrorRecord = New-CmTsErrorRecord -Code 'CMTSMEDIA_E_ENGINEFAILED' -Detail $detail -Context $Context -OperationId $outcome.OperationId
                $finished = $true
                break
            }
            try {
                $message = ConvertFrom-CmTsJson -Line $line
            }
            catch {
                $outcome.ErrorRecord = New-CmTsErrorRecord -Code 'CMTSMEDIA_E_PROTOCOL' -Detail ('the engine wrote a line that is not JSON: ' + $line) -Context $Context
                break
            }
            # A protocol error about our own line may come back with id null.
            if ($null -ne $message.id -and [string]$message.id -ne $id) { continue }

            if ($null -ne $message.error) {
                $e = $message.error
                $outcome.ErrorRecord = New-CmTsErrorRecord -Code ([string]$e.code) -Detail ([string]$e.detail) -Message ([string]$e.message) -Context $Context -OperationId $outcome.OperationId -Data $e.data
                $finished = $true
            }
            elseif ($null -ne $message.PSObject.Properties['result']) {
                $outcome.Result = $message.result
                $finished = $true
            }
            else {
                switch ([string]$message.event) {
                    'started' {
                        $outcome.OperationId = [string]$message.operationId
                        # Inside a BootMediaJob runspace the job learns its operation id here.
                        $job = $global:CmTsMediaCurrentJob
                        if ($null -ne $job) {
                            $job.EngineProcessId = $engine.Id
                            $job.OperationId = $outcome.OperationId
                        }
                    }
                    'progress' {
                        $percent = [System.Math]::Max(0, [System.Math]::Min(100, [int]$message.percent))
                        $status = 'Step {0} of {1}: {2}' -f $message.step, $message.steps, $message.stepInfo
                        $newStep = $status -ne $lastStep
                        if ($newStep -or ($percent -ne $lastPercent -and ($percent -eq 100 -or $progressClock.ElapsedMilliseconds -ge $progressIntervalMs))) {
                            $lastStep = $status
                            $lastPercent = $percent
                            $progressClock.Restart()
                            $record = New-Object System.Management.Automation.ProgressRecord (1, $Activity, $status)
                            $record.PercentComplete = $percent
                            $Cmdlet.WriteProgress($record)
                            $lastStatus = $status
                        }
                    }
                    'log' {
                        $stream = if ($message.level -eq 'debug') { 'Debug' } else { 'Verbose' }
                        Write-CmTsStream -Cmdlet $Cmdlet -Stream $stream -Message ([string]$message.message)
                    }
                    'warning' { Write-CmTsStream -Cmdlet $Cmdlet -Stream Warning -Message ([string]$message.message) }
                    default { Write-CmTsStream -Cmdlet $Cmdlet -Stream Debug -Message ('CmTsMedia engine: ' + $line) }
                }
            }
        }
    }
    finally {
        $cancel = $null
        if (-not $finished) {
            $cancel = ConvertTo-CmTsRequestLine -Id ($id + '-cancel') -Command 'cancel' -Params @{ requestId = $id }
        }
        # An engine that died or broke the protocol is never kept.
        $healthy = $finished -and ($null -eq $outcome.ErrorRecord -or $outcome.ErrorRecord.Exception.ErrorCode -notin 'CMTSMEDIA_E_ENGINEFAILED', 'CMTSMEDIA_E_PROTOCOL')
        Complete-CmTsEngine -Engine $engine -Finished:$healthy -Cancel $cancel
    }
    if ($null -ne $lastStatus) {
        $record = New-Object System.Management.Automation.ProgressRecord (1, $Activity, $lastStatus)
        $record.PercentComplete = $lastPercent
        $record.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
        $Cmdlet.WriteProgress($record)
    }
    foreach ($stderrLine in $engine.TakeStderr()) { Write-CmTsStream -Cmdlet $Cmdlet -Stream Debug -Message ('CmTsMedia engine stderr: ' + $stderrLine) }
    $outcome
}
