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
