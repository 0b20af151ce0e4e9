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
