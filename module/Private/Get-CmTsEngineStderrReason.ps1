function Get-CmTsEngineStderrReason {
    <#
    .SYNOPSIS
    What an engine's stderr says about why it ended, without stack frames, source lines or script paths.
    .DESCRIPTION
    Node writes an uncaught error as the script's path and line, the source line, a caret line, the
    error itself ("TypeError: ...") and its stack frames ("    at f (/path/engine.cjs:1:2)"), then
    "Node.js v22..."; the engine writes "cmtsmedia-engine: unexpected failure: " and a stack. An
    ErrorRecord shows only the lines that say what went wrong, script paths cut to the file name
    (docs/module.md "Errors": never a stack trace or a build path); the caller writes the whole
    stderr to the Debug stream.
    .PARAMETER Lines
    The engine's stderr lines, oldest first.
    .EXAMPLE
    Get-CmTsEngineStderrReason -Lines $engine.TakeStderr()
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowEmptyCollection()]
        [AllowNull()]
        [string[]] $Lines = @()
    )
    $scriptPath = '(?:file:/*)?(?:[A-Za-z]:)?[\\/](?:[^\s''"()\\/]+[\\/])*([^\s''"()\\/]+\.[cm]?[jt]s)(?::\d+)*'
    $kept = New-Object System.Collections.Generic.List[string]
    foreach ($line in @($Lines)) {
        if ($null -eq $line) { continue }
        if ($line -match '^\s*\^+\s*$') {
            # The caret under Node's source excerpt: the excerpt and the "path:line" above it go too.
            if ($kept.Count -gt 0) { $kept.RemoveAt($kept.Count - 1) }
            if ($kept.Count -gt 0 -and $kept[$kept.Count - 1] -match ':\d+$') { $kept.RemoveAt($kept.Count - 1) }
            continue
        }
        if ($line -match '^\s+at\s' -or $line -match '^Node\.js v\d' -or $line.Trim() -eq '') { continue }
        $kept.Add($line)
    }
    $reason = @($kept | Select-Object -Last 3 | ForEach-Object { ($_ -replace $scriptPath, '$1').Trim() }) -join ' | '
    if ($reason.Length -gt 400) { $reason = $reason.Substring(0, 400) + '...' }
    $reason
}
