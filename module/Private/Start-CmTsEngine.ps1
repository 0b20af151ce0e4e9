function Start-CmTsEngine {
    <#
    .SYNOPSIS
    Starts the engine and checks its hello line; returns the running CmTsMedia.EngineProcess.
    .DESCRIPTION
    Failures here concern the whole invocation (no engine, engine from another build), so they are
    terminating errors of the calling command.
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.EngineProcess')]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $path = Resolve-CmTsEnginePath
    if (-not $path) {
        $rid = Get-CmTsRuntimeId
        $detail = 'no engine executable for {0}; set CMTSMEDIA_ENGINE or install the module with its bin/{0} folder' -f $rid
        $Cmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_ENGINEFAILED' -Detail $detail -TargetObject $script:ModuleBase))
    }

    $workingDirectory = Split-Path -Path $path -Parent
    if (-not $workingDirectory -or -not (Test-Path -LiteralPath $workingDirectory -PathType Container)) {
        $workingDirectory = [System.IO.Path]::GetTempPath()
    }
    try {
        $engine = [CmTsMedia.EngineProcess]::Start($path, $workingDirectory)
    }
    catch {
        $reason = $_.Exception.Message
        if ($_.Exception.InnerException) { $reason = $_.Exception.InnerException.Message }
        $Cmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_ENGINEFAILED' -Detail ('{0}: {1}' -f $path, $reason) -TargetObject $path))
    }

    # The first line is the hello (docs/protocol.md); a packed engine on a cold disk may take seconds.
    $line = $null
    $state = $engine.ReadLine([ref]$line, 30000)
    $hello = $null
    if ($state -eq 1) {
        try { $hello = ConvertFrom-CmTsJson -Line $line } catch { $hello = $null }
    }
    if ($null -eq $hello -or $hello.event -ne 'hello') {
        [void]$engine.Shutdown($null, 1000)
        $stderr = @($engine.TakeStderr())
        $engine.Dispose()
        foreach ($stderrLine in $stderr) { Write-CmTsStream -Cmdlet $Cmdlet -Stream Debug -Message ('CmTsMedia engine stderr: ' + $stderrLine) }
        $detail = '{0} did not start the protocol (first line: {1}; stderr: {2})' -f $path, (Get-CmTsEngineStderrReason -Lines @($line)), (Get-CmTsEngineStderrReason -Lines $stderr)
        $Cmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_ENGINEFAILED' -Detail $detail -TargetObject $path))
    }
    if ($hello.protocol -ne $script:ProtocolVersion) {
        [void]$engine.Shutdown($null, 1000)
        $engine.Dispose()
        $detail = 'protocol {0} from engine {1} at {2}; this module speaks protocol {3}' -f $hello.protocol, $hello.engineVersion, $path, $script:ProtocolVersion
        $Cmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_VERSIONMISMATCH' -Detail $detail -TargetObject $path))
    }
    Write-CmTsStream -Cmdlet $Cmdlet -Stream Debug -Message ('CmTsMedia engine {0} (pid {1}, {2})' -f $hello.engineVersion, $engine.Id, $path)
    $engine
}
