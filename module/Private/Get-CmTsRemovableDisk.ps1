function Get-CmTsRemovableDisk {
    <#
    .SYNOPSIS
    The removable or USB disks of this machine, for tab completion of -DestinationPath with UFD+FORMAT.
    .DESCRIPTION
    The engine's own test (docs/usb.md): a disk counts when it is removable, hot-pluggable or on USB.
    Linux: lsblk (RM, HOTPLUG, TRAN), whole disks only, read-only ones left out. Windows: Get-Disk
    (BusType USB or a removable media type), as \\.\PhysicalDriveN. The engine still checks the disk
    it is given (system disk, mounted volumes) when the command runs; completion only proposes.
    Returns objects with Path and Description; nothing when the tools are missing or fail.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param()

    if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
        if (-not (Get-Command -Name Get-Disk -ErrorAction SilentlyContinue)) { return }
        foreach ($disk in @(Get-Disk -ErrorAction SilentlyContinue)) {
            if ([string]$disk.BusType -ne 'USB' -and [string]$disk.MediaType -notmatch 'Removable') { continue }
            [pscustomobject]@{ Path = '\\.\PhysicalDrive{0}' -f $disk.Number; Description = '{0}, {1:N1} GiB' -f $disk.FriendlyName, ($disk.Size / 1GB) }
        }
        return
    }
    $listing = Get-CmTsBlockDeviceList
    if (-not $listing) { return }
    foreach ($node in @((ConvertFrom-Json -InputObject $listing).blockdevices)) {
        if ($null -eq $node -or [string]$node.type -ne 'disk' -or $node.ro -eq $true) { continue }
        if (-not ($node.rm -eq $true -or $node.hotplug -eq $true -or [string]$node.tran -eq 'usb')) { continue }
        $model = ([string]$node.model).Trim()
        if (-not $model) { $model = 'disk' }
        [pscustomobject]@{ Path = [string]$node.path; Description = '{0}, {1:N1} GiB' -f $model, ([double]$node.size / 1GB) }
    }
}
