function Get-CmTsEngine {
    <#
    .SYNOPSIS
    The engine for one request: the session's resident engine, started on first use (Start-CmTsEngine
    checks its version), or a new one while the resident engine is busy.
    .DESCRIPTION
    One engine process serves every request of a PowerShell session (and of a job's runspace) in turn,
    so status polls and a check followed by a creation do not start a process each. It is replaced when
    it has died, or when what it was started with changed: the engine file or the environment it reads
    (CMTSMEDIA_* variables, the state folder's base). Release it with Complete-CmTsEngine; the module's
    OnRemove ends it (Stop-CmTsResidentEngine).
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.EngineProcess')]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $key = @((Resolve-CmTsEnginePath), $env:XDG_STATE_HOME, $env:LOCALAPPDATA, $env:HOME) +
        @(Get-ChildItem -Path Env: | Where-Object { $_.Name -like 'CMTSMEDIA_*' } | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Value })
    $key = $key -join '|'
    $resident = $script:ResidentEngine
    if ($null -ne $resident -and -not $resident.Busy -and ($resident.Key -ne $key -or -not (Test-CmTsEngineAlive -Engine $resident.Engine))) {
        Stop-CmTsResidentEngine
        $resident = $null
    }
    if ($null -ne $resident -and -not $resident.Busy) {
        $resident.Busy = $true
        return $resident.Engine
    }
    $engine = Start-CmTsEngine -Cmdlet $Cmdlet
    if ($null -eq $resident) { $script:ResidentEngine = @{ Engine = $engine; Key = $key; Busy = $true } }
    $engine
}

function Test-CmTsEngineAlive {
    <#
    .SYNOPSIS
    Whether a resident engine still answers: a version request and its answer (a millisecond), so a
    request is never sent to an engine that died since the last one.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Engine
    )

    if ($Engine.HasExited) { return $false }
    $script:RequestCount++
    $id = 'alive-{0}' -f $script:RequestCount
    try { $Engine.Send((ConvertTo-CmTsRequestLine -Id $id -Command 'version')) }
    catch { return $false }
    $deadline = [datetime]::UtcNow.AddSeconds(5)
    while ([datetime]::UtcNow -lt $deadline) {
        $line = $null
        $state = $Engine.ReadLine([ref]$line, 200)
        if ($state -lt 0) { return $false }
        if ($state -eq 1 -and $line -like ('*"id":"{0}"*' -f $id)) { return $true }
    }
    $false
}

function Complete-CmTsEngine {
    <#
    .SYNOPSIS
    Hands an engine back after a request: the resident engine stays for the next request when the
    request ended normally; otherwise (Ctrl+C, Stop-Job, a broken engine) the engine is shut down as
    before: the cancel request, stdin EOF (which cancels and cleans up), a few seconds, then kill.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Engine,

        # The request got its answer and the engine is still running.
        [switch] $Finished,

        # The cancel request line for a request that did not finish.
        [string] $Cancel
    )

    $resident = $script:ResidentEngine
    $isResident = $null -ne $resident -and [object]::ReferenceEquals($resident.Engine, $Engine)
    if ($isResident -and $Finished -and -not $Engine.HasExited) {
        $resident.Busy = $false
        return
    }
    if ($isResident) { $script:ResidentEngine = $null }
    $lastLine = $null
    if ($Cancel) { $lastLine = $Cancel }
    [void]$Engine.Shutdown($lastLine, 5000)
    $Engine.Dispose()
}

function Stop-CmTsResidentEngine {
    <#
    .SYNOPSIS
    Ends the session's resident engine (module removal, or a stale engine): stdin EOF, then kill.
    #>
    [CmdletBinding()]
    param()

    $resident = $script:ResidentEngine
    $script:ResidentEngine = $null
    if ($null -eq $resident) { return }
    [void]$resident.Engine.Shutdown($null, 2000)
    $resident.Engine.Dispose()
}
