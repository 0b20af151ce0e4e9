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
