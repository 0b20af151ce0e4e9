function Remove-CMBootMediaStatus {
    <#
    .SYNOPSIS
    Removes the status of finished boot media operations.

    .DESCRIPTION
    The engine keeps every operation's status in the per-user state folder so that Get-CMBootMediaStatus
    works from any process. Remove-CMBootMediaStatus removes the status of finished operations
    (Succeeded, Failed, Canceled, Interrupted): those named by -OperationId, or all of them, and with
    -OlderThan only those that ended longer ago than that. A running operation is never removed: named
    by -OperationId it is an error (CmTsMedia.InvalidArgumentException), otherwise it is skipped.

    Finished operations are also removed automatically 30 days after they ended (when the next creation
    starts); the CMTSMEDIA_STATUS_RETENTION_DAYS environment variable sets another number of days, and 0
    keeps them until they are removed with this command. See about_CmTsMedia (STATUS HOUSEKEEPING).

    .PARAMETER OperationId
    The operations to remove. Alias Id. Binds by property name, so the objects of Get-CMBootMediaStatus
    and the results of New-CMBootMedia can be piped in.

    .PARAMETER OlderThan
    Only operations that ended longer ago than this, for example (New-TimeSpan -Days 7).

    .EXAMPLE
    Remove-CMBootMediaStatus -OlderThan (New-TimeSpan -Days 7)

    Removes the status of every operation that finished more than a week ago.

    .EXAMPLE
    Get-CMBootMediaStatus | Where-Object State -EQ 'Failed' | Remove-CMBootMediaStatus -WhatIf

    Shows which failed operations would be removed, without removing them.

    .EXAMPLE
    Remove-CMBootMediaStatus -OperationId 5b1f7a0e-3c44-4b9e-9d2a-6f0c1e2d3a4b

    Removes the status of one finished operation.

    .EXAMPLE
    Remove-CMBootMediaStatus -Confirm

    Asks, operation by operation, whether to remove the status of each finished operation.

    .INPUTS
    Objects with an OperationId (or Id) property.

    .OUTPUTS
    None.

    .LINK
    Get-CMBootMediaStatus

    .LINK
    about_CmTsMedia
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'All')]
    [OutputType([void])]
    param(
        [Parameter(Mandatory = $true, ParameterSetName = 'Id', Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('Id')]
        [ValidateNotNullOrEmpty()]
        [string[]] $OperationId,

        [System.TimeSpan] $OlderThan
    )

    begin {
        $requested = New-Object System.Collections.Generic.List[string]
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'Id') { foreach ($id in $OperationId) { $requested.Add($id) } }
    }

    end {
        if ($PSBoundParameters.ContainsKey('OlderThan') -and $OlderThan -lt [System.TimeSpan]::Zero) {
            $PSCmdlet.WriteError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail ('-OlderThan must not be negative ({0})' -f $OlderThan) -TargetObject $OlderThan))
            return
        }
        $listed = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'getStatus'
        if ($listed.ErrorRecord) { $PSCmdlet.WriteError($listed.ErrorRecord); return }
        $known = @{}
        foreach ($entry in @($listed.Result.operations)) {
            if ($null -ne $entry) { $known[([string]$entry.operationId).ToLowerInvariant()] = ConvertTo-CmTsBootMediaStatus -Status $entry }
        }
        $candidates = @()
        if ($PSCmdlet.ParameterSetName -eq 'Id') {
            # Unknown ids go to the engine too: it answers them with OperationNotFoundException.
            foreach ($id in $requested) {
                $status = $known[$id.ToLowerInvariant()]
                if ($null -eq $status) { $candidates += [pscustomobject]@{ OperationId = $id; Status = 0; State = 'unknown'; EndTimeUtc = $null } }
                else { $candidates += $status }
            }
        }
        else { $candidates = @($known.Values | Where-Object { $_.Status -eq 0 } | Sort-Object StartTimeUtc) }

        $cutoff = $null
        if ($PSBoundParameters.ContainsKey('OlderThan')) { $cutoff = [datetime]::UtcNow - $OlderThan }
        $chosen = @()
        foreach ($status in $candidates) {
            if ($status.Status -ne 0) {
                $detail = 'operation {0} is still running; only finished operations can be removed' -f $status.OperationId
                $PSCmdlet.WriteError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail $detail -TargetObject $status.OperationId))
                continue
            }
            if ($null -ne $cutoff -and ($null -eq $status.EndTimeUtc -or $status.EndTimeUtc -gt $cutoff)) { continue }
            $ended = ''
            if ($null -ne $status.EndTimeUtc) { $ended = ', ended {0:yyyy-MM-dd HH:mm:ss} local time' -f $status.EndTimeUtc.ToLocalTime() }
            if ($PSCmdlet.ShouldProcess(('operation {0} ({1}{2})' -f $status.OperationId, $status.State, $ended), 'Remove the status')) {
                $chosen += [string]$status.OperationId
            }
        }
        if ($chosen.Count -eq 0) { return }

        $outcome = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'removeStatus' -Params @{ operationIds = $chosen }
        if ($outcome.ErrorRecord) { $PSCmdlet.WriteError($outcome.ErrorRecord); return }
        foreach ($entry in @($outcome.Result.operations)) {
            if ($entry.removed) {
                $PSCmdlet.WriteVerbose(('Removed the status of operation {0} ({1}).' -f $entry.operationId, $entry.state))
                continue
            }
            $PSCmdlet.WriteError((New-CmTsErrorRecord -Code ([string]$entry.error.code) -Detail ([string]$entry.error.detail) -Message ([string]$entry.error.message) -TargetObject ([string]$entry.operationId)))
        }
    }
}
