function Test-CMBootMedia {
    <#
    .SYNOPSIS
    Reads boot media back and tells whether they are intact and still current for the site.

    .DESCRIPTION
    Test-CMBootMedia reads an ISO file, a disk image file, a mounted USB volume or (as root or an
    elevated administrator) a USB disk device with the engine's own ISO 9660 / El Torito and
    MBR / FAT32 readers: nothing is mounted and no external tool runs. It reports the volume label,
    the boot entries (BIOS and UEFI), SMS\data\TsmBootstrap.ini, the media variables of
    SMS\data\Variables.dat (decrypted with the default key or with -MediaPassword) and the media
    certificate in them, and checks every file against the manifest that New-CMBootMedia writes at
    SMS\data\CmTsMedia.json (SHA-256 of each file, streamed at disk speed).

    Media made by ConfigMgr have no manifest: Notes says so and everything else is still checked.
    Password-protected media read without -MediaPassword report PasswordProtected and the facts the
    manifest records (site code, boot image, certificate thumbprint and expiry); the media GUID needs
    the password. A wrong password is a Problem, not an error.

    With -SiteCatalog, Problems also names what is stale: a boot image whose source version on the
    site is newer than the one on the media, management points the site no longer has, a boot image
    the site no longer has, and a media certificate that expires within -CertificateRenewal.

    IsValid is true when Problems is empty. -Quiet returns only $true or $false (unreadable media or
    a missing path give $false). Media that cannot be read at all (not boot media, damaged
    structures) are a CmTsMedia.MediaUnreadableException error.

    .PARAMETER Path
    The media: an .iso file, a disk image file (UFD+FORMAT), a mounted volume's folder (UFD), or a
    disk device (/dev/sdX, \\.\PhysicalDriveN; needs root or elevation). Takes FullName and
    DestinationPath from the pipeline, so Get-ChildItem and New-CMBootMedia results pipe in.

    .PARAMETER MediaPassword
    The media password, to decrypt Variables.dat of password-protected media. Sent to the engine
    only on its standard input.

    .PARAMETER SiteCatalog
    A site catalog to check the media against (staleness). Without it, staleness is not checked.

    .PARAMETER CertificateRenewal
    How long before the media certificate's NotAfter the media count as due for renewal; default 30
    days. Used with -SiteCatalog.

    .PARAMETER Quiet
    Return only $true (valid) or $false.

    .EXAMPLE
    Test-CMBootMedia -Path D:\Media\PS1-x64.iso -MediaPassword (Read-Host -AsSecureString 'Media password')

    Checks the ISO, decrypts its media variables and shows site code, boot image, media GUID and
    certificate, the number of files verified against the manifest, and any problems.

    .EXAMPLE
    Get-ChildItem \\server\media\*.iso | Test-CMBootMedia -SiteCatalog \\server\share\site.json | Where-Object { -not $_.IsValid } | Format-List Path, Problems

    Lists the ISOs on a share that are damaged or stale for the site, with what is wrong.

    .EXAMPLE
    if (-not (Test-CMBootMedia -Path E:\ -SiteCatalog C:\CmTsMedia\site.json -CertificateRenewal (New-TimeSpan -Days 14) -Quiet)) {
        New-CMBootMedia -MediaType UFD -DestinationPath E:\ -BootImageId PS100005 -SiteCatalog C:\CmTsMedia\site.json -Force
    }

    Remakes the USB stick mounted as E: when it is damaged, its boot image is out of date, or its
    certificate expires within 14 days.

    .INPUTS
    System.String, System.IO.FileInfo (FullName) and CmTsMedia.BootMediaResult (DestinationPath).

    .OUTPUTS
    CmTsMedia.BootMediaInfo, or System.Boolean with -Quiet.

    .LINK
    New-CMBootMedia

    .LINK
    about_CmTsMedia
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.BootMediaInfo', [bool])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('FullName', 'DestinationPath')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [System.Security.SecureString] $MediaPassword,

        [ValidateNotNullOrEmpty()]
        [string] $SiteCatalog,

        [System.TimeSpan] $CertificateRenewal = (New-TimeSpan -Days 30),

        [switch] $Quiet
    )

    process {
        $paths = $PSCmdlet.SessionState.Path
        # a Windows disk (\\.\PhysicalDrive1) is not a provider path; a bare drive letter means its root
        if ($Path -match '^\\\\[.?]\\') { $target = $Path }
        elseif ($Path -match '^[A-Za-z]:$') { $target = $Path + '\' }
        else { $target = $paths.GetUnresolvedProviderPathFromPSPath($Path) }
        if ($CertificateRenewal -lt [System.TimeSpan]::Zero) {
            $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail 'CertificateRenewal must not be negative' -TargetObject $CertificateRenewal))
        }
        $request = @{ path = $target; certificateRenewalSeconds = [long][System.Math]::Floor($CertificateRenewal.TotalSeconds) }
        $context = @{ Path = $target }
        if ($MediaPassword) { $request['mediaPassword'] = $MediaPassword }
        if ($SiteCatalog) {
            $request['siteCatalog'] = $paths.GetUnresolvedProviderPathFromPSPath($SiteCatalog)
            $context['SiteCatalog'] = $request['siteCatalog']
        }
        $outcome = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'inspectMedia' -Params $request -Context $context -Activity ('Testing boot media ' + $target)
        if ($outcome.ErrorRecord) {
            if ($Quiet) {
                $PSCmdlet.WriteVerbose($outcome.ErrorRecord.Exception.Message)
                return $false
            }
            $PSCmdlet.WriteError($outcome.ErrorRecord)
            return
        }
        $info = ConvertTo-CmTsBootMediaInfo -Result $outcome.Result
        if ($Quiet) { return $info.IsValid }
        $info
    }
}
