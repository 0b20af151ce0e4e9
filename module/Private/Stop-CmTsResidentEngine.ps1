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
