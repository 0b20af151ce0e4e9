#Requires -Modules Pester
# Ctrl+C in New-CMBootMedia (docs/module.md "The engine client", issue 8): a real pwsh process on a pseudo-terminal runs a CD
# creation from a boot image big enough that the write takes seconds, and Send-CtrlC.py (beside this
# file) presses Ctrl+C once the write is under way:
#  - on the terminal (\x03; the terminal driver sends SIGINT to the foreground process group, which
#    holds pwsh and the engine it started), as a user does;
#  - as SIGINT to the PowerShell process alone, so that only the module's own cancellation
#    (StopProcessing, then the protocol cancel in Invoke-CmTsEngine's finally) can stop the engine.
# Either way: the engine process is gone within 2 s, nothing is left at the destination or beside it,
# the rest of the command line does not run, and Get-CMBootMediaStatus in another process reads
# Canceled. Needs Linux or macOS (a pty), python3 and wimtools; skipped otherwise.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:manifest = Get-TestModuleManifest
    $script:saved = @{ State = $env:CMTSMEDIA_STATE_DIR; Engine = $env:CMTSMEDIA_ENGINE }
    $env:CMTSMEDIA_ENGINE = $null
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $script:pwsh = Join-Path $PSHOME 'pwsh'
    $script:helper = Join-Path $PSScriptRoot 'Send-CtrlC.py'
    $script:python = Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1

    $script:skip = $null
    if ($IsWindows) { $script:skip = 'needs a POSIX pseudo-terminal' }
    elseif (-not $script:python) { $script:skip = 'python3 is not installed' }
    elseif (-not (Get-Command wimcapture -ErrorAction SilentlyContinue) -or -not (Get-Command wimextract -ErrorAction SilentlyContinue)) {
        $script:skip = 'wimcapture/wimextract (wimtools) are not installed'
    }
    if ($script:skip) { return }

    # A copy of the demo site whose boot image carries 300 MB of seeded random data, uncompressed.
    $moduleBase = Split-Path $script:manifest -Parent
    $site = Join-Path $TestDrive 'site'
    Copy-Item -LiteralPath (Join-Path $moduleBase 'module/Demo') -Destination $site -Recurse
    $wim = Join-Path $site 'content/dp01/PS100005/boot.PS100005.wim'
    New-TestLargeBootImage -SourceWim $wim -Destination $wim -Scratch (Join-Path $TestDrive 'tree')
    $script:site = Join-Path $site 'site.json'

    # Runs New-CMBootMedia on a pty, presses Ctrl+C ($Mode: terminal or pwsh); returns the helper's report.
    function Invoke-CtrlC([string] $Mode, [string] $Folder) {
        $null = New-Item -ItemType Directory -Path $Folder
        $destination = Join-Path $Folder 'media.iso'
        $command = "Import-Module '{0}'; New-CMBootMedia -MediaType CD -DestinationPath '{1}' -BootImageId PS100005 -SiteCatalog '{2}' -WarningAction SilentlyContinue; 'AFTER-THE-COMMAND'" -f $script:manifest, $destination, $script:site
        $json = & $script:python.Source $script:helper $script:pwsh $env:CMTSMEDIA_STATE_DIR $Folder $Mode $command
        $LASTEXITCODE | Should -Be 0
        $json | ConvertFrom-Json
    }

    function Get-StatusFromOtherProcess([string] $OperationId) {
        $command = "Import-Module '{0}'; Get-CMBootMediaStatus -OperationId {1} | Select-Object OperationId, State, ErrorCode | ConvertTo-Json -Compress" -f $script:manifest, $OperationId
        $output = & $script:pwsh -NoProfile -NonInteractive -Command $command 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join [Environment]::NewLine)
        @($output | Where-Object { "$_" -match '^\{' })[0] | ConvertFrom-Json
    }
}

AfterAll {
    $env:CMTSMEDIA_STATE_DIR = $script:saved.State
    $env:CMTSMEDIA_ENGINE = $script:saved.Engine
}

Describe 'Ctrl+C in New-CMBootMedia' {
    It 'stops the engine within 2 s and cleans up, Ctrl+C mode <Mode>' -TestCases @(
        @{ Mode = 'terminal'; Because = 'Ctrl+C on the terminal: SIGINT to pwsh and the engine' }
        @{ Mode = 'pwsh'; Because = 'SIGINT to PowerShell alone: the module cancels the engine' }
    ) {
        if ($script:skip) { Set-ItResult -Skipped -Because $script:skip; return }
        $folder = Join-Path $TestDrive $Mode
        $report = Invoke-CtrlC -Mode $Mode -Folder $folder
        $report.error | Should -BeNullOrEmpty
        $report.enginePid | Should -Not -BeNullOrEmpty -Because 'the write must have begun before Ctrl+C'
        $report.engineGoneMs | Should -Not -BeNullOrEmpty -Because "the engine must end ($Because)"
        $report.engineGoneMs | Should -BeLessOrEqual 2000 -Because $Because
        $report.pwshExit | Should -Not -BeNullOrEmpty -Because 'pwsh must end after Ctrl+C'
        $report.terminal | Should -Not -Match 'AFTER-THE-COMMAND' -Because 'Ctrl+C stops the whole command line'
        @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -BeNullOrEmpty -Because 'no media and no temporary file may be left'
        $status = Get-StatusFromOtherProcess $report.operationId
        $status.State | Should -Be 'Canceled'
        $status.ErrorCode | Should -Be 'E_CANCELLED'
    }
}
