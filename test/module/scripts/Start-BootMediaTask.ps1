<#
.SYNOPSIS
Process A of a scheduled-task pair: starts a boot media creation and records its operation id.

.DESCRIPTION
Starts New-CMBootMedia in the background (-AsJob), writes the operation id to -OperationIdPath as
soon as the engine has assigned it (so another process, Watch-BootMediaTask.ps1, can follow the
operation with Get-CMBootMediaStatus), then waits for the creation to end.
Exit code: 0 when the media was created, 1 when the creation failed (the error is printed).

.EXAMPLE
pwsh -NoProfile -NonInteractive -File Start-BootMediaTask.ps1 -SiteCatalog C:\Sites\PS1.json -BootImageId PS100005 -DestinationPath D:\Media\PS1.iso -OperationIdPath D:\Media\PS1.operation
#>
[CmdletBinding(DefaultParameterSetName = 'Site')]
param(
    [Parameter(Mandatory = $true)]
    [string] $DestinationPath,

    [Parameter(Mandatory = $true)]
    [string] $OperationIdPath,

    [Parameter(Mandatory = $true, ParameterSetName = 'Site')]
    [string] $SiteCatalog,

    [Parameter(Mandatory = $true, ParameterSetName = 'Site')]
    [Parameter(ParameterSetName = 'Demo')]
    [string] $BootImageId,

    [Parameter(Mandatory = $true, ParameterSetName = 'Demo')]
    [switch] $Demo,

    [ValidateSet('CD', 'UFD', 'UFD+FORMAT')]
    [string] $MediaType = 'CD',

    # The module to import: its name when installed, or the path of CmTsMedia.psd1.
    [string] $ModulePath = 'CmTsMedia'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$media = @{ MediaType = $MediaType; DestinationPath = $DestinationPath; Force = $true; Confirm = $false }
if ($Demo) { $media['Demo'] = $true } else { $media['SiteCatalog'] = $SiteCatalog }
if ($BootImageId) { $media['BootImageId'] = $BootImageId }
$job = New-CMBootMedia @media -AsJob

# The engine assigns the operation id when it starts the creation; a request it rejects at once
# (bad parameters) never gets one.
while (-not $job.OperationId -and $job.State -eq 'Running') { Start-Sleep -Milliseconds 100 }
if ($job.OperationId) {
    # Written beside and renamed: the watcher never reads a half-written file.
    $temporary = $OperationIdPath + '.tmp'
    [System.IO.File]::WriteAllText($temporary, $job.OperationId)
    Move-Item -LiteralPath $temporary -Destination $OperationIdPath -Force
    'Operation {0} started' -f $job.OperationId
}

$null = Wait-Job -Job $job
$result = Receive-Job -Job $job -ErrorAction SilentlyContinue -ErrorVariable failures -WarningAction SilentlyContinue
$state = $job.State
Remove-Job -Job $job
if ($state -eq 'Completed') {
    'Created {0} ({1} bytes)' -f $result.DestinationPath, $result.BytesWritten
    exit 0
}
foreach ($failure in $failures) {
    'Failed: 0x{0:X8} {1}' -f $failure.Exception.HResult, $failure.Exception.Message
}
exit 1
