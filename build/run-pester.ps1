# Runs the Pester suite for build/test-all.mjs (pwsh -NoProfile -NonInteractive -File).
# Pester 5.7.1 comes from .tools/Modules (bootstrap.mjs). The module under test is the one named by
# $env:CMTSMEDIA_TEST_MODULE (the built dist/CmTsMedia/<version>); the tests import it themselves.
# Writes JUnit XML and a JSON summary {passed, failed, skipped} into -ResultsPath.
param(
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultsPath
)
$ErrorActionPreference = 'Stop'
Import-Module Pester -RequiredVersion 5.7.1

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultsPath 'pester-junit.xml'
if (-not $IsWindows) { $config.Filter.ExcludeTag = 'WindowsOnly' }

$result = Invoke-Pester -Configuration $config

# A container that fails discovery or a failing BeforeAll fails no single test: count them too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
@{ passed = $result.PassedCount; failed = $failed; skipped = $result.SkippedCount + $result.NotRunCount } |
    ConvertTo-Json -Compress | Set-Content -LiteralPath (Join-Path $ResultsPath 'pester-summary.json') -Encoding utf8NoBOM
'Pester summary: passed {0}, failed {1}, skipped or not run {2}' -f $result.PassedCount, $failed, ($result.SkippedCount + $result.NotRunCount)
