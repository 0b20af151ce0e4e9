function Invoke-CmTsMediaCreation {
    <#
    .SYNOPSIS
    Sends New-CMBootMedia's createBootMedia request; a Windows disk is offline while the engine writes it.
    .DESCRIPTION
    Returns Invoke-CmTsEngine's outcome (Result, ErrorRecord, OperationId), or Invoke-CmTsOfflineDisk's
    CMTSMEDIA_E_DISKINUSE outcome when Windows will not take the disk offline.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [hashtable] $Request,

        [Parameter(Mandatory = $true)]
        [hashtable] $Context,

        # Resolve-CmTsWindowsDisk's answer for UFD+FORMAT on Windows, else $null.
        [AllowNull()]
        [psobject] $WindowsDisk,

        # The disk as the prompt named it, for Invoke-CmTsOfflineDisk's messages.
        [AllowNull()]
        [string] $Description
    )

    if (-not $WindowsDisk) {
        return Invoke-CmTsEngine -Cmdlet $Cmdlet -Command 'createBootMedia' -Params $Request -Context $Context -Activity 'Creating boot media'
    }
    # The block runs inside Invoke-CmTsOfflineDisk, whose own $Cmdlet would shadow this one.
    $caller = $Cmdlet
    Invoke-CmTsOfflineDisk -Cmdlet $Cmdlet -DiskNumber $WindowsDisk.DiskNumber -Description $Description -ScriptBlock {
        Invoke-CmTsEngine -Cmdlet $caller -Command 'createBootMedia' -Params $Request -Context $Context -Activity 'Creating boot media'
    }
}
