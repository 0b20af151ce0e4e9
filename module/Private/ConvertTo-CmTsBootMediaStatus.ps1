function ConvertTo-CmTsBootMediaStatus {
    <#
    .SYNOPSIS
    One engine status entry as a CmTsMedia.BootMediaStatus with the SDK's Status / ExitCode / ErrorDetail.
    .DESCRIPTION
    SDK semantics: Status is non-zero while the operation runs and 0 once it has finished (whatever the
    outcome); ExitCode is the HRESULT (0 on success).
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.BootMediaStatus')]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Status
    )

    $state = [string]$Status.state
    $sdkStatus = 0
    if ($null -ne $Status.status) { $sdkStatus = [int]$Status.status }
    elseif ($state -eq 'Running') { $sdkStatus = 1 }
    $percent = $null
    if ($null -ne $Status.percent) { $percent = [int]$Status.percent }
    $bytes = $null
    if ($null -ne $Status.bytesWritten) { $bytes = [long]$Status.bytesWritten }
    $started = ConvertFrom-CmTsDate -Value $Status.startedAt
    $ended = ConvertFrom-CmTsDate -Value $Status.endedAt
    $updated = ConvertFrom-CmTsDate -Value $Status.updatedAt

    [pscustomobject]@{
        PSTypeName      = 'CmTsMedia.BootMediaStatus'
        OperationId     = [string]$Status.operationId
        Status          = $sdkStatus
        State           = $state
        ExitCode        = ConvertFrom-CmTsHResult -Value $Status.exitCode
        ErrorCode       = [string]$Status.errorCode
        ErrorDetail     = [string]$Status.errorDetail
        Step            = [int]$Status.step
        Steps           = [int]$Status.steps
        StepInfo        = [string]$Status.stepInfo
        Percent         = $percent
        MediaType       = [string]$Status.mediaType
        DestinationPath = [string]$Status.destinationPath
        BootImageId     = [string]$Status.bootImageId
        StartTime       = ConvertTo-CmTsLocalTime -Utc $started
        EndTime         = ConvertTo-CmTsLocalTime -Utc $ended
        UpdateTime      = ConvertTo-CmTsLocalTime -Utc $updated
        StartTimeUtc    = $started
        EndTimeUtc      = $ended
        UpdateTimeUtc   = $updated
        ErrorMessage    = [string]$Status.errorMessage
        BytesWritten    = $bytes
        ComputerName    = [string]$Status.computerName
        ProcessId       = [int]$Status.pid
    }
}
