function ConvertTo-CmTsBusType {
    <#
    .SYNOPSIS
    Get-Disk's BusType (an enum name such as USB, or MSFT_Disk's number) as the engine's lower-case transport.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([object] $BusType)

    if ($null -eq $BusType) { return $null }
    # MSFT_Disk.BusType values (Windows Storage Management API) for a CIM instance without the enum.
    $names = @{ 1 = 'SCSI'; 2 = 'ATAPI'; 3 = 'ATA'; 4 = '1394'; 5 = 'SSA'; 6 = 'FibreChannel'; 7 = 'USB'; 8 = 'RAID'; 9 = 'iSCSI'; 10 = 'SAS'; 11 = 'SATA'; 12 = 'SD'; 13 = 'MMC'; 15 = 'FileBackedVirtual'; 16 = 'StorageSpaces'; 17 = 'NVMe' }
    $text = [string]$BusType
    if ($text -match '^\d+$' -and $names.ContainsKey([int]$text)) { $text = $names[[int]$text] }
    if (-not $text -or $text -eq 'Unknown' -or $text -eq '0') { return $null }
    $text.ToLowerInvariant()
}
