function Get-CMBootMediaStatus {
    <#
    .SYNOPSIS
    Gets the status of boot media creations, from any PowerShell process.

    .DESCRIPTION
    Get-CMBootMediaStatus returns the SDK's Status, ExitCode and ErrorDetail for one operation (by
    -OperationId or -Job) or for all recent operations. The engine keeps every operation's status in a
    per-user state folder, so a scheduled task or another PowerShell process can check an operation that
    a different process started.

    Status follows the SDK: non-zero while the operation runs, 0 once it has finished. Step, Steps,
    StepInfo and Percent say where it is (as of the engine's last heartbeat, every 2 seconds, when read
    from another process). State tells how
    it ended (Running, Succeeded, Failed, Canceled, Interrupted); ExitCode is the HRESULT (0 on
    success, e.g. 0x80040003 for CREATETSMEDIA_E_MISSINGPACKAGE) and ErrorDetail the SDK's {0} value.

    A failed operation is returned as data, not as an error. With -Wait the command polls until the
    operation has finished; if it failed, it also writes the operation's typed error (like Receive-Job).

    .PARAMETER OperationId
    The operation id reported by New-CMBootMedia (OperationId of its result or of its job). Alias Id.
    Binds by property name, so results and status objects can be piped in.

    .PARAMETER Job
    Jobs returned by New-CMBootMedia -AsJob.

    .PARAMETER Wait
    Poll until each operation has finished.

    .PARAMETER TimeoutSeconds
    With -Wait: stop waiting after this many seconds and return the current status. Default: no limit.

    .EXAMPLE
    Get-CMBootMediaStatus

    Lists recent operations of the current user.

    .EXAMPLE
    $status = Get-CMBootMediaStatus -OperationId $id -Wait -TimeoutSeconds 3600 -ErrorAction SilentlyContinue
    '{0} 0x{1:X8} {2}' -f $status.State, $status.ExitCode, $status.ErrorDetail
    if ($status.ExitCode -eq 0) { exit 0 } else { exit 1 }

    In a scheduled task: waits for an operation started by another process, prints its HRESULT and
    exits 0 or 1. Do not exit with the HRESULT itself: Linux and macOS keep only the low 8 bits of a
    process exit code. See about_CmTsMedia (SCHEDULED TASKS).

    .EXAMPLE
    New-CMBootMedia -Demo -MediaType CD -DestinationPath ./demo.iso -AsJob | Get-CMBootMediaStatus -Wait

    Waits for a background creation through its job.

    .INPUTS
    Objects with an OperationId (or Id) property.

    .OUTPUTS
    CmTsMedia.BootMediaStatus

    .LINK
    New-CMBootMedia

    .LINK
    Get-CMBootMediaImage

    .LINK
    about_CmTsMedia
    #>
    [CmdletBinding(DefaultParameterSetName = 'All')]
    [OutputType('CmTsMedia.BootMediaStatus')]
    param(
        [Parameter(Mandatory = $true, ParameterSetName = 'Id', Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('Id')]
        [ValidateNotNullOrEmpty()]
        [string[]] $OperationId,

        [Parameter(Mandatory = $true, ParameterSetName = 'Job', ValueFromPipeline = $true)]
        [System.Management.Automation.Job[]] $Job,

        [switch] $Wait,

        [ValidateRange(0, 2147483)]
        [int] $TimeoutSeconds = 0
    )

    begin {
        $deadline = $null
        $finishedStates = 'Completed', 'Failed', 'Stopped'
        if ($TimeoutSeconds -gt 0) { $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds) }
    }

    process {
        $ids = @()
        if ($PSCmdlet.ParameterSetName -eq 'Id') { $ids = $OperationId }
        elseif ($PSCmdlet.ParameterSetName -eq 'Job') {
            foreach ($item in $Job) {
                $property = $item.PSObject.Properties['OperationId']
                # A job that has not reached the engine yet has no operation id: wait for it with -Wait.
                while ($Wait -and $null -ne $property -and -not $property.Value -and [string]$item.JobStateInfo.State -notin $finishedStates -and
                    ($null -eq $deadline -or [datetime]::UtcNow -lt $deadline)) {
                    Start-Sleep -Milliseconds 100
                }
                if ($null -eq $property -or -not $property.Value) {
                    $PSCmdlet.WriteError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_OPERATIONNOTFOUND' -Detail ('of job {0} (the job has no CmTsMedia operation)' -f $item.Name) -TargetObject $item))
                    continue
                }
                $ids += [string]$property.Value
            }
        }
        else {
            $outcome = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'getStatus'
            if ($outcome.ErrorRecord) { $PSCmdlet.WriteError($outcome.ErrorRecord); return }
            foreach ($entry in @($outcome.Result.operations)) {
                if ($null -ne $entry) { ConvertTo-CmTsBootMediaStatus -Status $entry }
            }
            return
        }

        foreach ($id in $ids) {
            for (;;) {
                $outcome = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'getStatus' -Params @{ operationId = $id }
                if ($outcome.ErrorRecord) {
                    $PSCmdlet.WriteError($outcome.ErrorRecord)
                    break
                }
                $status = ConvertTo-CmTsBootMediaStatus -Status $outcome.Result
                $running = $status.Status -ne 0
                if ($Wait -and $running -and ($null -eq $deadline -or [datetime]::UtcNow -lt $deadline)) {
                    $progress = New-Object System.Management.Automation.ProgressRecord (2, ('Waiting for operation {0}' -f $id), ([string]$status.StepInfo + ' '))
                    if ($null -ne $status.Percent) { $progress.PercentComplete = [System.Math]::Max(0, [System.Math]::Min(100, $status.Percent)) }
                    $PSCmdlet.WriteProgress($progress)
                    Start-Sleep -Milliseconds 500
                    continue
                }
                $status
                if ($Wait -and $status.State -eq 'Failed' -and $status.ErrorCode) {
                    $PSCmdlet.WriteError((New-CmTsErrorRecord -Code $status.ErrorCode -Detail $status.ErrorDetail -OperationId $status.OperationId -Context @{ DestinationPath = $status.DestinationPath }))
                }
                break
            }
        }
    }
}
