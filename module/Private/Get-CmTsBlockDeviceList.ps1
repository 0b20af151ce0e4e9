function Get-CmTsBlockDeviceList {
    <#
    .SYNOPSIS
    lsblk's JSON listing of whole disks (the columns the engine reads), or $null when lsblk fails.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if (-not (Get-Command -Name lsblk -CommandType Application -ErrorAction SilentlyContinue)) { return $null }
    $output = & lsblk --json --bytes --nodeps --output PATH,TYPE,RM,HOTPLUG,TRAN,MODEL,SIZE,RO 2>$null
    if ($LASTEXITCODE -ne 0) { return $null }
    $output -join "`n"
}
