function Get-CmTsVolumeFacts {
    <#
    .SYNOPSIS
    The engine's volume parameter for a UFD destination on Windows: what Get-Volume says of its volume.
    .DESCRIPTION
    Without elevation the engine cannot open \\.\E: to read the volume's boot sector, so the module
    passes the volume's facts (docs/usb.md "UFD on Windows", docs/protocol.md "The volume parameter"):
    FileSystem (FAT32, NTFS, exFAT, ReFS, or FAT for FAT12/FAT16), Size, SizeRemaining and
    AllocationUnitSize. Returns $null everywhere but Windows, for a destination without a drive letter,
    and when Get-Volume has no answer: the engine then reads the boot sector itself, or says why not.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $DestinationPath
    )

    if (-not (Test-CmTsWindows)) { return $null }
    if ($DestinationPath -notmatch '^([A-Za-z]):') { return $null }
    $volume = @(Get-Volume -DriveLetter $Matches[1].ToUpperInvariant() -ErrorAction SilentlyContinue)[0]
    if ($null -eq $volume) { return $null }
    # An object, not a hashtable: ConvertTo-CmTsRequestLine keeps an object's numbers numbers.
    [pscustomobject][ordered]@{
        fileSystem   = [string]$volume.FileSystem
        sizeBytes    = [long]$volume.Size
        freeBytes    = [long]$volume.SizeRemaining
        clusterBytes = [long]$volume.AllocationUnitSize
    }
}
