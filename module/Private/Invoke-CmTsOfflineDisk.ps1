function Invoke-CmTsOfflineDisk {
    <#
    .SYNOPSIS
    Runs a script block (the engine's raw write) with a Windows disk offline, and always brings it back.
    .DESCRIPTION
    Windows refuses raw writes to sectors that a mounted volume owns, so UFD+FORMAT takes the whole disk
    offline (Set-Disk -IsOffline $true) just before the engine request, which dismounts all its volumes.
    The finally block brings the disk online again and lets Windows rescan it (Update-Disk) whatever
    happened: success, a typed error, an exception, Ctrl+C or Stop-Job (a stopped pipeline runs finally).
    When Windows will not take the disk offline (a page file, a disk in use) the result is
    CMTSMEDIA_E_DISKINUSE and the script block does not run.
    Returns what the script block returns (Invoke-CmTsEngine's outcome).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [int] $DiskNumber,

        # The engine's description of the disk, for messages.
        [Parameter(Mandatory = $true)]
        [string] $Description,

        [Parameter(Mandatory = $true)]
        [scriptblock] $ScriptBlock
    )

    try {
        Set-Disk -Number $DiskNumber -IsOffline $true -ErrorAction Stop
    }
    catch {
        $detail = '{0}: Windows did not take the disk offline ({1})' -f $Description, $_.Exception.Message
        return [pscustomobject]@{
            Result      = $null
            ErrorRecord = New-CmTsErrorRecord -Code 'CMTSMEDIA_E_DISKINUSE' -Detail $detail -TargetObject $Description
            OperationId = $null
        }
    }
    $Cmdlet.WriteVerbose(('disk {0} is offline for the raw write' -f $DiskNumber))
    try {
        & $ScriptBlock
    }
    finally {
        foreach ($step in 'online', 'rescan') {
            try {
                if ($step -eq 'online') { Set-Disk -Number $DiskNumber -IsOffline $false -ErrorAction Stop }
                else { Update-Disk -Number $DiskNumber -ErrorAction Stop }
            }
            catch {
                $message = 'Could not bring disk {0} back ({1}): {2}. Run: Set-Disk -Number {0} -IsOffline $false; Update-Disk -Number {0}' -f $DiskNumber, $step, $_.Exception.Message
                # A stopped pipeline cannot write any more; the attempt itself is what matters then.
                try { $Cmdlet.WriteWarning($message) } catch { $null = $_ }
            }
        }
    }
}
