<#
.SYNOPSIS
Process B of a scheduled-task pair: polls a boot media operation until it has finished and exits
with a code derived from its ExitCode.

.DESCRIPTION
Reads the operation id (from -OperationId, or from the file Start-BootMediaTask.ps1 writes), then
polls Get-CMBootMediaStatus, as the SDK's callers poll ITsMediaClass::Status, until Status is 0.
It prints the final State, the HRESULT (ExitCode) and ErrorDetail, then exits:
    0  the operation succeeded (ExitCode 0)
    1  the operation failed, was canceled or was interrupted (ExitCode is an HRESULT)
    2  no operation id, or -TimeoutSeconds passed while the operation was still running
A process exit code cannot carry the HRESULT itself: POSIX systems keep only its low 8 bits
(0x80040003 would become 3), so the HRESULT is printed instead.

.EXAMPLE
pwsh -NoProfile -NonInteractive -File Watch-BootMediaTask.ps1 -OperationIdPath D:\Media\PS1.operation -TimeoutSeconds 7200
#>
[CmdletBinding(DefaultParameterSetName = 'File')]
param(
    [Parameter(Mandatory = $true, ParameterSetName = 'Id')]
    [string] $OperationId,

    [Parameter(Mandatory = $true, ParameterSetName = 'File')]
    [string] $OperationIdPath,

    [int] $TimeoutSeconds = 3600,

    [int] $PollSeconds = 2,

    # The module to import: its name when installed, or the path of CmTsMedia.psd1.
    [string] $ModulePath = 'CmTsMedia'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)

if ($PSCmdlet.ParameterSetName -eq 'File') {
    while (-not (Test-Path -LiteralPath $OperationIdPath) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
    if (-not (Test-Path -LiteralPath $OperationIdPath)) {
        'No operation id in {0} after {1} s' -f $OperationIdPath, $TimeoutSeconds
        exit 2
    }
    $OperationId = ([System.IO.File]::ReadAllText($OperationIdPath)).Trim()
}

do {
    $status = Get-CMBootMediaStatus -OperationId $OperationId
    'Status {0}: {1}, step {2} of {3} ({4}), {5} %' -f $status.Status, $status.State, $status.Step, $status.Steps, $status.StepInfo, $status.Percent
    if ($status.Status -eq 0) { break }
    if ([datetime]::UtcNow -ge $deadline) {
        'Operation {0} still running after {1} s' -f $OperationId, $TimeoutSeconds
        exit 2
    }
    Start-Sleep -Seconds $PollSeconds
} while ($true)

'Operation {0}: {1}, ExitCode 0x{2:X8} {3} {4}' -f $OperationId, $status.State, $status.ExitCode, $status.ErrorCode, $status.ErrorDetail
if ($status.ExitCode -eq 0) { exit 0 }
exit 1
