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
    # Write-Progress is rate-limited (Write-CmTsEngineEvent); this is what it remembers between events.
    $progress = [pscustomobject]@{ Activity = $Activity; Clock = [System.Diagnostics.Stopwatch]::StartNew(); LastStep = ''; LastPercent = -1; LastStatus = $null }
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
                Write-CmTsEngineEvent -Cmdlet $Cmdlet -Message $message -Line $line -EngineId $engine.Id -Outcome $outcome -Progress $progress
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
    if ($null -ne $progress.LastStatus) {
        $record = New-Object System.Management.Automation.ProgressRecord (1, $Activity, $progress.LastStatus)
        $record.PercentComplete = $progress.LastPercent
        $record.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
        $Cmdlet.WriteProgress($record)
    }
    foreach ($stderrLine in $engine.TakeStderr()) { Write-CmTsStream -Cmdlet $Cmdlet -Stream Debug -Message ('CmTsMedia engine stderr: ' + $stderrLine) }
    $outcome
}
