function Resolve-CmTsWindowsDisk {
    <#
    .SYNOPSIS
    Resolves a UFD+FORMAT destination that is a Windows disk into the engine's DiskFacts.
    .DESCRIPTION
    On Windows, a drive letter (E:, E:\) or \\.\PhysicalDriveN names a whole disk: the drive letter's
    partition gives the disk number (Get-Partition -DriveLetter), Get-Disk gives its facts, and the disk's
    other partitions give the drive letters the prompt names. Returns $null for any other destination
    (and everywhere but Windows); an object with DiskNumber, DriveLetters and Facts (the engine's disk
    parameter, docs/usb.md) otherwise; an ErrorRecord in Error when the letter or disk does not exist.

    Facts.mounted is empty: the module takes the whole disk offline before the engine writes, which
    dismounts every volume on it, and Windows refuses that for a disk in use (Invoke-CmTsOfflineDisk).
    Facts.path is \\.\PhysicalDriveN built from the number: Get-Disk's own Path is a device interface
    path (\\?\usbstor#...), not the name the engine opens.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $DestinationPath
    )

    if (-not (Test-CmTsWindows)) { return $null }
    $outcome = [pscustomobject]@{ DiskNumber = $null; DriveLetters = @(); Facts = $null; Error = $null }
    $number = $null
    $disk = $null
    $problem = $null
    try {
        if ($DestinationPath -match '^\\\\\.\\PhysicalDrive(\d+)$') {
            $number = [int]$Matches[1]
        }
        elseif ($DestinationPath -match '^([A-Za-z]):\\?$') {
            $letter = $Matches[1].ToUpperInvariant()
            $partition = @(Get-Partition -DriveLetter $letter -ErrorAction Stop)[0]
            if ($null -eq $partition) { $problem = 'no partition has drive letter {0}:' -f $letter }
            else { $number = [int]$partition.DiskNumber }
        }
        else {
            return $null
        }
        if ($null -ne $number) {
            $disk = @(Get-Disk -Number $number -ErrorAction Stop)[0]
            if ($null -eq $disk) { $problem = 'no disk has number {0}' -f $number }
        }
    }
    catch {
        $problem = $_.Exception.Message
    }
    if ($problem) {
        $detail = '{0} ({1})' -f $DestinationPath, $problem
        $outcome.Error = New-CmTsErrorRecord -Code 'E_PATHNOTFOUND' -Detail $detail -TargetObject $DestinationPath
        return $outcome
    }

    $letters = @(Get-Partition -DiskNumber $number -ErrorAction SilentlyContinue | ForEach-Object {
            $l = [string]$_.DriveLetter
            if ($l -match '^[A-Za-z]$') { $l.ToUpperInvariant() + ':' }
        })
    $bus = ConvertTo-CmTsBusType -BusType $disk.BusType
    $model = [string]$disk.FriendlyName
    if (-not $model.Trim()) { $model = [string]$disk.Model }
    $model = $model.Trim()
    if (-not $model) { $model = $null }
    $outcome.DiskNumber = $number
    $outcome.DriveLetters = $letters
    # Field for field the engine's DiskFacts (engine/src/usb/device.ts); the engine rejects any other field.
    $outcome.Facts = [pscustomobject][ordered]@{
        path       = '\\.\PhysicalDrive{0}' -f $number
        sizeBytes  = [long]$disk.Size
        type       = 'disk'
        removable  = @('usb', 'sd', 'mmc') -contains $bus
        hotplug    = $false
        transport  = $bus
        readOnly   = [bool]$disk.IsReadOnly
        model      = $model
        systemDisk = [bool]($disk.IsSystem -or $disk.IsBoot)
        mounted    = [string[]]@()
    }
    $outcome
}
