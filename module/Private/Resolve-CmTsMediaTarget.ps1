function Resolve-CmTsMediaTarget {
    <#
    .SYNOPSIS
    Where New-CMBootMedia's media go: the destination as the engine names it, with what the engine
    cannot find out itself on Windows.
    .DESCRIPTION
    UFD+FORMAT to a drive letter or \\.\PhysicalDriveN on Windows: the disk's facts
    (Resolve-CmTsWindowsDisk), and the destination is the disk. UFD on Windows: the volume's facts
    (Get-CmTsVolumeFacts). Anything else: the path resolved against the caller's location. Returns
    Destination, WindowsDisk and Volume, or an ErrorRecord in Error.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [string] $MediaType,

        [Parameter(Mandatory = $true)]
        [string] $DestinationPath
    )

    $target = [pscustomobject]@{ Destination = $null; WindowsDisk = $null; Volume = $null; Error = $null }
    if ($MediaType -eq 'UFD+FORMAT') {
        $target.WindowsDisk = Resolve-CmTsWindowsDisk -DestinationPath $DestinationPath
        if ($target.WindowsDisk -and $target.WindowsDisk.Error) {
            $target.Error = $target.WindowsDisk.Error
            return $target
        }
    }
    if ($target.WindowsDisk) { $target.Destination = $target.WindowsDisk.Facts.path }
    else { $target.Destination = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DestinationPath) }
    if ($MediaType -eq 'UFD') {
        # The drive letter as given (E:\), else as resolved against the current location.
        $onVolume = $DestinationPath
        if ($onVolume -notmatch '^[A-Za-z]:') { $onVolume = $target.Destination }
        $target.Volume = Get-CmTsVolumeFacts -DestinationPath $onVolume
    }
    $target
}
