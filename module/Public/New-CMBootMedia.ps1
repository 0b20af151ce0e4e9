function New-CMBootMedia {
    <#
    .SYNOPSIS
    Creates Configuration Manager task sequence boot media: a bootable ISO or a bootable USB drive.

    .DESCRIPTION
    New-CMBootMedia does what ITsMediaClass::CreateBootMedia of the ConfigMgr SDK does, without the
    ConfigMgr console and without the Windows ADK. It reads the site's data (management point,
    certificates, distribution points, boot images) from a site catalog JSON file, extracts the boot
    files from the boot image WIM and writes media that boot Windows PE into the task sequence.

    The site catalog is -SiteCatalog, else the CMTSMEDIA_SITE_CATALOG environment variable, else
    "siteCatalog" in the per-machine config file (/etc/cmtsmedia/config.json, or
    %ProgramData%\CmTsMedia\config.json on Windows; CMTSMEDIA_CONFIG names another file). -Demo uses the
    demo site shipped with the module instead; real media never use the demo site implicitly.

    Every failure is a typed error: the exception is a CmTsMedia.* type (for example
    CmTsMedia.MissingPackageException) deriving from CmTsMedia.CmTsMediaException, with HResult set to
    the SDK's HRESULT, ErrorCode and ErrorDetail. Errors are non-terminating, so use -ErrorAction Stop to
    catch them with try/catch. See about_CmTsMedia for the error table.

    Passwords are SecureStrings and reach the engine only through its standard input.

    .PARAMETER MediaType
    CD writes an ISO image file. UFD copies the media onto a mounted FAT32 or NTFS volume. UFD+FORMAT
    partitions and formats a whole USB disk (or a raw disk image file) as FAT32; it erases the disk and
    asks for confirmation unless -Force is given. The question (and -WhatIf) names the disk's model and
    size, e.g. "All data on /dev/sdc (SanDisk Ultra, 14.9 GiB) will be erased". The system or boot disk,
    a disk that is not removable or USB, and a disk with something mounted are refused before any
    question, even with -Force.

    The value is case-insensitive (cd works) and also takes the values of Microsoft's
    New-CMBootableMedia: CdDvd means CD and Usb means UFD (UFD+FORMAT with -FormatMedia).

    .PARAMETER FormatMedia
    Microsoft's switch for "format the USB drive": with -MediaType Usb or UFD it means UFD+FORMAT.

    .PARAMETER DestinationPath
    CD: the .iso file to write. UFD: the mounted volume (X:\ on Windows, a mount point elsewhere).
    UFD+FORMAT: a drive letter, a disk device (\\.\PhysicalDriveN, /dev/sdX) or a raw disk image file.
    On Windows a drive letter (E: or E:\) stands for its whole disk, which is taken offline while it is
    written and brought online again afterwards (needs an elevated PowerShell).
    Relative paths are resolved against the current PowerShell location.

    .PARAMETER BootImageId
    The ConfigMgr package ID of the boot image, for example PS100005. Alias PackageID, so objects with a
    PackageID property (Get-CMBootMediaImage) can be piped in. With -Demo it defaults to PS100005.

    .PARAMETER MediaPassword
    Password that protects the media variables; the task sequence asks for it at boot. Without it the
    SDK's default key is used and a warning says so.

    .PARAMETER CertificatePath
    A PKCS#12 (.pfx) file with the media certificate and its private key (PKI / HTTPS sites). Without it
    a self-signed media certificate is created.

    .PARAMETER CertificatePassword
    The password of the PFX file given with -CertificatePath.

    .PARAMETER CertificateValidStart
    Start of the self-signed media certificate's validity. Default: now. Aliases CertValidStart (the
    SDK's name) and CertificateStartTime (Microsoft's New-CMBootableMedia).

    .PARAMETER CertificateValidEnd
    End of the self-signed media certificate's validity. Default: one year after the start. Aliases
    CertValidEnd (the SDK's name) and CertificateExpireTime (Microsoft's New-CMBootableMedia).

    .PARAMETER SiteCatalog
    Path of the site catalog JSON file (schema in about_CmTsMedia). Binds by property name, so the
    objects of Get-CMBootMediaImage bring their catalog along.

    .PARAMETER Demo
    Use the demo site and demo boot image shipped with the module (module/Demo/site.json), to try the
    module without a ConfigMgr site. The resulting media boot and print a demo message.

    .PARAMETER MediaLabel
    Volume label and MediaLabel.txt text. Default: "Configuration Manager", as ConfigMgr's own media. An
    empty or blank label is an error.

    .PARAMETER MediaMode
    Static (default): the media talk to one management point (SMSTSMP). Dynamic: the media carry several
    management points (SMSTSLocationMPs) and ask one of them for the best one at boot.

    .PARAMETER ManagementPoint
    Names of the management points for the media, as in the site catalog. Default: the site's default
    management point (Static) or every management point of the site, in catalog order (Dynamic). Static
    media take exactly one.

    .PARAMETER DistributionPoint
    Take the boot image from this distribution point (a name in the site catalog) instead of the first
    one that holds it.

    .PARAMETER AllowUnknownMachine
    The media can deploy to computers the site does not know: the site's x64 and x86 "Unknown Computer"
    GUIDs go into the media variables. Needs a site catalog of schema version 2 with "unknownMachines"
    (New-CMBootMediaSiteCatalog writes one).

    .PARAMETER AllowUnattended
    No prompts for the network configuration or optional task sequences (TsmBootstrap.ini
    Unattended=true). With -MediaPassword the password is still asked for, as in ConfigMgr.

    .PARAMETER PrestartCommand
    A command Windows PE runs before the task sequence wizard (Microsoft's alias PreExecCommandLine). Use
    "cmd /c <script>" for scripts. ConfigMgr's variable name for it is not public (about_CmTsMedia,
    "The media wizard's options"): try such media on a test computer first.

    .PARAMETER PrestartFolder
    A folder whose files go onto the media (under SMS\PKG\PRESTART) for -PrestartCommand to use.

    .PARAMETER NoPrompt
    UEFI boots start without "Press any key to boot from CD or DVD" (efisys_noprompt.bin of the boot
    image).

    .PARAMETER BootEx
    Use the boot files signed by the Windows UEFI CA 2023 (the *_EX files of boot images serviced with
    the 2024-04 update or later), as MakeWinPEMedia /bootex does. A boot image without them is an error.

    .PARAMETER Variable
    Task sequence variables to put on the media, as a hashtable of names and string values.

    .PARAMETER ConnectionOptions
    The SDK's connection options (Username, Domain, Password, Local, Authority) as a hashtable.

    .PARAMETER Force
    Replace existing media without asking, for every media type: CD an existing ISO file, UFD the boot
    media files already on the volume (without -Force a volume that holds media is left as it is, with
    CmTsMedia.FileExistsException), UFD+FORMAT the disk's content (no confirmation prompt). It never
    overrides the refusal of a system, fixed or mounted disk.

    .PARAMETER WhatIf
    Runs every check of the creation that writes nothing (site catalog, boot image on a distribution
    point and its boot files, certificate and its password, destination writable with room for the
    media, disk safety), reports a problem as the same typed error the creation would, then says what
    would be written where. Nothing is written, and no operation status is recorded.

    .PARAMETER ImageSize
    UFD+FORMAT to a disk image file that does not exist yet: its size in bytes (e.g. 4GB). An existing
    image file keeps its size.

    .PARAMETER LogPath
    The CMTrace-format log file of the operation. Default: logs/CmTsMedia.log in the per-user state
    folder, rolled at 5 MB to CmTsMedia.lo_ as ConfigMgr's own logs are. The result's LogPath and
    -Verbose name the file. A -LogPath that cannot be written fails the command before anything is written.

    .PARAMETER Register
    After creating the media, register their certificate with the site as a boot media certificate, as
    the console's media wizard does (Register-CMBootMediaCertificate), with the SMS Provider the site
    catalog was read from by New-CMBootMediaSiteCatalog and the -ConnectionOptions user. The result's
    Registration property says how it went; if registration fails the media stay and the error says why.

    .PARAMETER AsJob
    Run in the background and return a job (type CmTsMediaJob) that works with Get-Job, Wait-Job,
    Receive-Job, Stop-Job and Remove-Job. Receive-Job returns the result object or the typed error.

    .EXAMPLE
    New-CMBootMedia -Demo -MediaType CD -DestinationPath ./demo.iso

    Creates bootable demo media from the demo site shipped with the module.

    .EXAMPLE
    New-CMBootMedia -MediaType CD -DestinationPath D:\Media\boot.iso -BootImageId PS100005 -SiteCatalog \\server\share\site.json -MediaPassword (Read-Host -AsSecureString 'Media password')

    Creates a password-protected boot ISO for boot image PS100005 of the site described by site.json.

    .EXAMPLE
    try {
        New-CMBootMedia -MediaType CD -DestinationPath ./x.iso -BootImageId PS100099 -SiteCatalog ./site.json -ErrorAction Stop
    }
    catch [CmTsMedia.MissingPackageException] {
        "Distribute package $($_.Exception.ErrorDetail) first (HRESULT 0x{0:X8})" -f $_.Exception.HResult
    }

    Catches one SDK error by its type. -ErrorAction Stop makes the non-terminating error catchable.

    .EXAMPLE
    New-CMBootMedia -MediaType 'UFD+FORMAT' -DestinationPath /dev/sdc -BootImageId PS100005 -Force -Confirm:$false

    Formats the USB disk /dev/sdc and writes bootable media to it without prompting (scheduled tasks).

    .EXAMPLE
    New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath E:

    On Windows (elevated): asks "All data on \\.\PhysicalDrive2 (SanDisk Ultra, 14.9 GiB) with drive E:
    will be erased. Continue?", then takes the disk offline, writes it and brings it online again.

    .EXAMPLE
    New-CMBootMedia -MediaType CD -DestinationPath ./dynamic.iso -BootImageId PS100005 -SiteCatalog ./site.json -MediaMode Dynamic -ManagementPoint MP01.contoso.com, MP02.contoso.com -AllowUnknownMachine

    Dynamic media that ask MP01 or MP02 for the best management point and can deploy to unknown computers.

    .EXAMPLE
    New-CMBootMedia -MediaType CD -DestinationPath ./kiosk.iso -BootImageId PS100005 -SiteCatalog ./site.json -AllowUnattended -NoPrompt -BootEx -PrestartCommand 'cmd /c prestart.cmd' -PrestartFolder ./prestart -DistributionPoint DP02.contoso.com

    Media that boot UEFI without the key prompt using the 2023-signed boot files, run prestart.cmd from
    the media before the wizard, skip its prompts, and take the boot image from DP02.

    .EXAMPLE
    $media = New-CMBootMedia -Demo -MediaType CD -DestinationPath ./demo.iso
    [System.IO.File]::WriteAllBytes("$PWD/media.cer", $media.Certificate.Export('Cert'))

    Exports the media certificate (public part) for registration with the site.

    .EXAMPLE
    $job = New-CMBootMedia -Demo -MediaType CD -DestinationPath ./demo.iso -AsJob
    $job | Wait-Job | Receive-Job

    Creates the media in the background, waits, and returns the result object.

    .EXAMPLE
    Get-CMBootMediaImage -SiteCatalog ./site.json -BootImageId PS100005 | New-CMBootMedia -MediaType CD -DestinationPath ./PS100005.iso

    Creates media for a boot image listed by Get-CMBootMediaImage: PackageID and SiteCatalog bind by property name.

    .EXAMPLE
    Import-Csv ./media.csv | New-CMBootMedia -SiteCatalog ./site.json

    Creates one medium per CSV row; the columns MediaType, DestinationPath and BootImageId (or PackageID)
    bind by property name.

    .INPUTS
    Objects with MediaType, DestinationPath, BootImageId (or PackageID) and SiteCatalog properties, such as
    the CmTsMedia.BootImage objects of Get-CMBootMediaImage.

    .OUTPUTS
    CmTsMedia.BootMediaResult, or a CmTsMediaJob with -AsJob.

    .NOTES
    For automation (scheduled tasks, DSC) use -ErrorAction Stop, and -Force -Confirm:$false for
    UFD+FORMAT. Get-CMBootMediaStatus reads an operation's status from any PowerShell process.

    .LINK
    Get-CMBootMediaStatus

    .LINK
    Get-CMBootMediaImage

    .LINK
    about_CmTsMedia
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Site')]
    [OutputType('CmTsMedia.BootMediaResult')]
    [OutputType('CmTsMedia.BootMediaJob')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateSet('CD', 'UFD', 'UFD+FORMAT', 'CdDvd', 'Usb')]
        [string] $MediaType,

        [switch] $FormatMedia,

        [ValidateNotNullOrEmpty()]
        [string] $LogPath,

        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Path', 'MediaPath')]
        [ValidateNotNullOrEmpty()]
        [string] $DestinationPath,

        [Parameter(Mandatory = $true, ParameterSetName = 'Site', ValueFromPipelineByPropertyName = $true)]
        [Parameter(ParameterSetName = 'Demo', ValueFromPipelineByPropertyName = $true)]
        [Alias('PackageID')]
        [ValidateNotNullOrEmpty()]
        [string] $BootImageId,

        [System.Security.SecureString] $MediaPassword,

        [Alias('CertPath')]
        [ValidateNotNullOrEmpty()]
        [string] $CertificatePath,

        [Alias('CertPassword')]
        [System.Security.SecureString] $CertificatePassword,

        [Alias('CertValidStart', 'CertificateStartTime')]
        [datetime] $CertificateValidStart,

        [Alias('CertValidEnd', 'CertificateExpireTime')]
        [datetime] $CertificateValidEnd,

        [Parameter(ParameterSetName = 'Site', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $SiteCatalog,

        [Parameter(Mandatory = $true, ParameterSetName = 'Demo')]
        [switch] $Demo,

        [ValidateNotNullOrEmpty()]
        [string] $MediaLabel,

        [ValidateSet('Static', 'Dynamic')]
        [string] $MediaMode,

        [ValidateNotNullOrEmpty()]
        [string[]] $ManagementPoint,

        [ValidateNotNullOrEmpty()]
        [string] $DistributionPoint,

        [switch] $AllowUnknownMachine,

        [switch] $AllowUnattended,

        [Alias('PreExecCommandLine')]
        [ValidateNotNullOrEmpty()]
        [string] $PrestartCommand,

        [ValidateNotNullOrEmpty()]
        [string] $PrestartFolder,

        [switch] $NoPrompt,

        [switch] $BootEx,

        [hashtable] $Variable,

        [hashtable] $ConnectionOptions,

        [switch] $Force,

        [ValidateRange(1, [long]::MaxValue)]
        [long] $ImageSize,

        [switch] $Register,

        [switch] $AsJob
    )

    process {
        # Microsoft's values and any case to the engine's CD / UFD / UFD+FORMAT (docs/module.md, "Microsoft's names").
        $canonical = ConvertTo-CmTsMediaType -MediaType $MediaType -FormatMedia:$FormatMedia
        if ($canonical -is [System.Management.Automation.ErrorRecord]) { $PSCmdlet.WriteError($canonical); return }
        $MediaType = $canonical
        if ($Demo) {
            $catalog = Get-CmTsDemoCatalogPath
            if (-not $BootImageId) { $BootImageId = $script:DemoBootImageId }
        }
        else {
            $catalog = Resolve-CmTsSiteCatalog -Cmdlet $PSCmdlet -SiteCatalog $SiteCatalog
            if (-not $catalog) { return }
        }
        $paths = $PSCmdlet.SessionState.Path
        # A Windows disk (UFD+FORMAT) or volume (UFD): the facts the engine cannot read itself.
        $where = Resolve-CmTsMediaTarget -Cmdlet $PSCmdlet -MediaType $MediaType -DestinationPath $DestinationPath
        if ($where.Error) {
            $PSCmdlet.WriteError($where.Error)
            return
        }
        $windowsDisk = $where.WindowsDisk
        $destination = $where.Destination
        $certificate = $null
        if ($CertificatePath) { $certificate = $paths.GetUnresolvedProviderPathFromPSPath($CertificatePath) }

        $resolved = @{ mediaType = $MediaType; destinationPath = $destination; bootImageId = $BootImageId; siteCatalog = $catalog; certificatePath = $certificate }
        if ($PrestartFolder) { $resolved['prestartFolder'] = $paths.GetUnresolvedProviderPathFromPSPath($PrestartFolder) }
        if ($LogPath) { $resolved['logPath'] = $paths.GetUnresolvedProviderPathFromPSPath($LogPath) }
        if ($windowsDisk) { $resolved['disk'] = $windowsDisk.Facts }
        if ($where.Volume) { $resolved['volume'] = $where.Volume }
        $request = New-CmTsMediaRequest -Bound $PSBoundParameters -Resolved $resolved
        $context = @{ DestinationPath = $destination; SiteCatalog = $catalog; CertificatePath = $certificate }

        # Check before acting: with -WhatIf or a confirmation to come, and always for a disk to be erased
        # (the prompt names it), the engine runs every check of the creation that writes nothing; a request
        # that would fail fails here, with the same typed error, before any question.
        $confirming = $ConfirmPreference -ne 'None' -and $ConfirmPreference -le [System.Management.Automation.ConfirmImpact]::Medium
        $check = $null
        if ($WhatIfPreference -or $confirming -or $MediaType -eq 'UFD+FORMAT') {
            $checked = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'checkBootMedia' -Params $request -Context $context -Activity 'Checking the boot media'
            if ($checked.ErrorRecord) {
                $PSCmdlet.WriteError($checked.ErrorRecord)
                return
            }
            $check = $checked.Result
        }
        $target = $null
        if ($check) {
            $target = [string]$check.destination
            if (-not $target) { $target = $destination }
            if ($windowsDisk -and $windowsDisk.DriveLetters.Count -gt 0) { $target = '{0} with drive {1}' -f $target, ($windowsDisk.DriveLetters -join ', ') }
        }
        $askedAlready = $PSBoundParameters.ContainsKey('Confirm') -and [bool]$PSBoundParameters['Confirm']
        # Only a new image file erases nothing; anything else (or an answer without 'erases') does.
        $erases = $MediaType -eq 'UFD+FORMAT' -and $check.erases -ne $false
        $confirm = @{ Cmdlet = $PSCmdlet; MediaType = $MediaType; BootImageId = $BootImageId; Destination = $destination; Target = $target; SizeBytes = [long]$check.sizeBytes }
        if (-not (Confirm-CmTsMediaCreation @confirm -Erases:$erases -Force:$Force -AskedAlready:$askedAlready)) { return }
        # Whoever gets here with a disk to erase has consented (-Force, the prompt, -Confirm, or the job's
        # caller), and that consent covers replacing an existing image file.
        if ($erases) { $request['force'] = $true }

        if ($AsJob) {
            # The job runs this command again with everything already resolved and confirmed.
            Start-CmTsMediaJob -Cmdlet $PSCmdlet -Bound $PSBoundParameters -Request $request
            return
        }

        $outcome = Invoke-CmTsMediaCreation -Cmdlet $PSCmdlet -Request $request -Context $context -WindowsDisk $windowsDisk -Description $target
        if ($outcome.ErrorRecord) {
            $PSCmdlet.WriteError($outcome.ErrorRecord)
            return
        }
        $media = ConvertTo-CmTsBootMediaResult -Result $outcome.Result
        if ($Register) {
            $registration = Register-CmTsCreatedMedia -Cmdlet $PSCmdlet -SiteCatalog $catalog -Media $media -ConnectionOptions $ConnectionOptions
            $media | Add-Member -NotePropertyName Registration -NotePropertyValue $registration
        }
        $media
    }
}
