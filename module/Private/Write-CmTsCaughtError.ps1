function Write-CmTsCaughtError {
    <#
    .SYNOPSIS
    Writes a typed error that a helper raised (ThrowTerminatingError) as the public command's own error.
    .DESCRIPTION
    A helper's terminating error carries the helper's name in its FullyQualifiedErrorId
    ('CMTSMEDIA_E_SITEAUTH,Invoke-CmTsSiteRequest'); the record is rebuilt with the error code as ErrorId,
    so that the command writing it gives the documented '<code>,<command>'. The typed exception, its
    category, target and details (message, recommended action) are kept. Non-terminating, as every
    CmTsMedia error.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [System.Management.Automation.ErrorRecord] $ErrorRecord
    )

    $exception = $ErrorRecord.Exception
    if ($exception -isnot [CmTsMedia.CmTsMediaException]) {
        $Cmdlet.WriteError($ErrorRecord)
        return
    }
    $record = New-Object System.Management.Automation.ErrorRecord ($exception, $exception.ErrorCode, $ErrorRecord.CategoryInfo.Category, $ErrorRecord.TargetObject)
    $record.ErrorDetails = $ErrorRecord.ErrorDetails
    $Cmdlet.WriteError($record)
}
