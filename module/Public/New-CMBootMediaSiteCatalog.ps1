function New-CMBootMediaSiteCatalog {
    <#
    .SYNOPSIS
    Writes a site catalog (schema version 2) and its certificate files from a running ConfigMgr site.

    .DESCRIPTION
    New-CMBootMediaSiteCatalog reads what boot media need from a live site, as the console's media
    wizard does, and writes it as a site catalog for New-CMBootMedia:

    - From the management point's anonymous endpoints, the ones the media themselves use at boot
      (http://<MP>/SMS_MP/.sms_aut?...): the site code, the site's management points with their SSL
      state, the management point's certificate, the site signing certificate, the trusted root key and
      the unknown-computer GUIDs.
    - From the SMS Provider: the boot images with their source versions, and the distribution points that
      hold the current version. Either the AdminService REST API (-AdminService, any OS, Windows
      authentication through PowerShell's web cmdlets) or, on Windows, WMI/CIM on -SiteServer.

    Each distribution point is recorded with its content library ("contentLibrary"): the share
    \\<DP>\SCCMContentLib$ unless -ContentLibrary says where it is (for example where the share is
    mounted on Linux or macOS). New-CMBootMedia then finds boot.<PackageID>.wim through PkgLib, DataLib
    and FileLib and checks the hash the library records while it writes the media.

    The certificates are written beside the catalog in <name>.certs (for site.json: site.certs), each under
    a name that holds its thumbprint. The catalog is written last, by one atomic rename: with -Force an
    older catalog stays intact until the new one is complete, and nothing is written when any reply
    cannot be used. Passwords (-Credential, the Password connection option) stay in this process: they
    are never written, logged or passed on a command line.

    Returns a CmTsMedia.SiteCatalog object: SiteCode, SiteName, ManagementPoints, DefaultManagementPoint,
    BootImages, DistributionPoints and Path. Warnings say what the catalog lacks (for example a boot
    image on no distribution point).

    .PARAMETER ManagementPoint
    The management point's URL, e.g. http://mp01.contoso.com (https:// for an HTTPS-only MP).

    .PARAMETER AdminService
    The SMS Provider's AdminService URL, https://<provider FQDN>/AdminService. Use the FQDN: since
    ConfigMgr 2509 the AdminService accepts Kerberos only, whose ticket names the host.

    .PARAMETER SiteServer
    Windows only: the site server; its SMS_ProviderLocation names the SMS Provider, read over WMI/CIM.

    .PARAMETER Credential
    A ConfigMgr administrative user for the SMS Provider. Without it, the signed-in user's credentials.

    .PARAMETER ConnectionOptions
    The SDK's connection options for the SMS Provider: Username, Domain, Password, Local (true: the
    signed-in user's connection) and Authority (kerberos:<principal> or ntlmdomain:<domain>), with the
    SDK's meaning. An unknown name
    is CREATETSMEDIA_E_CONNECTIONOPTIONNAME, inconsistent values CREATETSMEDIA_E_CONNECTIONOPTIONS.
    -Credential, when given, takes precedence over Username, Domain and Password.

    .PARAMETER ContentLibrary
    Where distribution points' content libraries are: \\DP01\SCCMContentLib$ (the DP named by the host),
    'DP01.contoso.com=/mnt/dp01' (a mount point for that DP), or a path alone when the site's boot images
    are on one DP.

    .PARAMETER SkipCertificateCheck
    Accept the AdminService's TLS certificate without checking it (a site's default certificate is
    issued by its own SMS Issuing root, which clients do not trust). A warning says so; prefer importing
    that root instead.

    .PARAMETER Path
    The catalog file to write, e.g. ./site.json.

    .PARAMETER Force
    Replace an existing catalog.

    .PARAMETER TimeoutSeconds
    How long to wait for each reply (default 30).

    .EXAMPLE
    New-CMBootMediaSiteCatalog -ManagementPoint http://mp01.contoso.com -AdminService https://cm01.contoso.com/AdminService -Path C:\Sites\PS1.json

    Reads the site as the signed-in user and writes C:\Sites\PS1.json with C:\Sites\PS1.certs beside it.

    .EXAMPLE
    New-CMBootMediaSiteCatalog -ManagementPoint http://mp01.contoso.com -AdminService https://cm01.contoso.com/AdminService -Credential (Get-Credential CONTOSO\cmadmin) -ContentLibrary 'dp01.contoso.com=/mnt/dp01' -SkipCertificateCheck -Path ./site.json

    On Linux: the DP's SCCMContentLib$ share is mounted at /mnt/dp01 (for example with mount -t cifs).

    .EXAMPLE
    New-CMBootMediaSiteCatalog -ManagementPoint http://mp01.contoso.com -SiteServer cm01.contoso.com -ConnectionOptions @{ Authority = 'kerberos:CONTOSO\cm01' } -Path .\site.json -Force

    On Windows, through WMI; refreshes an existing catalog, which stays intact until the new one is complete.

    .INPUTS
    None.

    .OUTPUTS
    CmTsMedia.SiteCatalog

    .LINK
    New-CMBootMedia

    .LINK
    Register-CMBootMediaCertificate

    .LINK
    about_CmTsMedia
    #>
    [CmdletBinding(DefaultParameterSetName = 'AdminService', SupportsShouldProcess = $true)]
    [OutputType('CmTsMedia.SiteCatalog')]
    param(
        [Parameter(Mandatory = $true)]
        [ValidatePattern('^https?://[^/]+')]
        [string] $ManagementPoint,

        [Parameter(Mandatory = $true, ParameterSetName = 'AdminService')]
        [ValidatePattern('^https://[^/]+')]
        [string] $AdminService,

        [Parameter(Mandatory = $true, ParameterSetName = 'SiteServer')]
        [ValidateNotNullOrEmpty()]
        [string] $SiteServer,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [hashtable] $ConnectionOptions,

        [ValidateNotNullOrEmpty()]
        [string[]] $ContentLibrary,

        [switch] $SkipCertificateCheck,

        [Parameter(Mandatory = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [switch] $Force,

        [ValidateRange(1, 3600)]
        [int] $TimeoutSeconds = 30
    )

    $catalog = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    $context = @{ SiteCatalog = $catalog }
    if ((Test-Path -LiteralPath $catalog) -and -not $Force) {
        $PSCmdlet.WriteError((New-CmTsErrorRecord -Code 'E_FILEEXISTS' -Detail $catalog -TargetObject $catalog))
        return
    }
    $provider = $AdminService
    if ($PSCmdlet.ParameterSetName -eq 'SiteServer') { $provider = $SiteServer }
    if (-not $PSCmdlet.ShouldProcess($catalog, ('Write a site catalog from {0} and {1}' -f $ManagementPoint, $provider))) { return }
    try {
        $access = Initialize-CmTsSiteAccess -Cmdlet $PSCmdlet -Target $provider -Credential $Credential -ConnectionOptions $ConnectionOptions -SkipCertificateCheck:$SkipCertificateCheck -TimeoutSeconds $TimeoutSeconds
        $mpReplies = Get-CmTsManagementPointReplies -ManagementPoint $ManagementPoint -TimeoutSeconds $TimeoutSeconds
        $read = Read-CmTsProviderReplies -AdminService $AdminService -SiteServer $SiteServer -Access $access
    }
    catch {
        Write-CmTsCaughtError -Cmdlet $PSCmdlet -ErrorRecord $_
        return
    }

    $libraries = @(foreach ($entry in @($ContentLibrary)) {
            if (-not $entry) { continue }
            if ($entry -match '^(\\\\|//)') { $entry; continue }
            if ($entry -match '^([^=\\/]+)=(.+)$') { '{0}={1}' -f $Matches[1], $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Matches[2]); continue }
            $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($entry)
        })
    $request = @{
        path                 = $catalog
        force                = [bool]$Force
        managementPoint      = $ManagementPoint.TrimEnd('/')
        mpReplies            = $mpReplies
        provider             = $read.Provider
        providerReplies      = $read.Replies
        contentLibraries     = $libraries
        skipCertificateCheck = [bool]$SkipCertificateCheck
    }
    $outcome = Invoke-CmTsEngine -Cmdlet $PSCmdlet -Command 'writeSiteCatalog' -Params $request -Context $context -Activity 'Writing the site catalog'
    if ($outcome.ErrorRecord) {
        $PSCmdlet.WriteError($outcome.ErrorRecord)
        return
    }
    ConvertTo-CmTsSiteCatalogSummary -Result $outcome.Result
}
