function Register-CMBootMediaCertificate {
    <#
    .SYNOPSIS
    Registers boot media's certificate with the site, as the console's media wizard does.

    .DESCRIPTION
    A management point serves policy to boot media only when the site knows the media's certificate:
    the console's media wizard registers it when it creates media. Register-CMBootMediaCertificate does
    the same for media made by New-CMBootMedia: it calls SMS_Site.SubmitRegistrationRecord with the
    media GUID as SMSID, the certificate, Type 1 (boot media), the user device affinity setting and
    IssuedCert 1 (self-signed) or 2 (issued by a CA), through the AdminService
    (POST https://<provider>/AdminService/wmi/SMS_Site.SubmitRegistrationRecord) or, on Windows, WMI/CIM.

    It first reads SMS_CertificateInfo for the media GUID: when the site already lists the same
    certificate nothing is sent (Status AlreadyRegistered), so running it again is harmless. -WhatIf sends
    nothing at all. The certificate then appears in the console under Administration > Security >
    Certificates, where it can be blocked (Block-CMCertificate) to retire the media.

    The account needs a ConfigMgr security role that may manage certificates (for example Infrastructure
    Administrator or Full Administrator). Without one the site answers 403
    (CMTSMEDIA_E_SITEACCESSDENIED); ask such an administrator to run this command with the media's
    certificate file and GUID (New-CMBootMedia's result: Certificate, MediaGuid), which needs no access
    to the media themselves.

    .PARAMETER Certificate
    The media certificate: an X509Certificate2 (New-CMBootMedia's result has one in Certificate) or the
    path of a .cer file (DER or PEM). Only its public part is sent.

    .PARAMETER MediaGuid
    The media GUID (_SMSMediaGuid; New-CMBootMedia's result has it in MediaGuid). The site registers the
    certificate under this ID, which the media send when they ask for policy.

    .PARAMETER AdminService
    The SMS Provider's AdminService URL, https://<provider FQDN>/AdminService.

    .PARAMETER SiteServer
    Windows only: the site server; its SMS Provider is reached over WMI/CIM.

    .PARAMETER Credential
    A ConfigMgr administrative user. Without it, the signed-in user's credentials.

    .PARAMETER ConnectionOptions
    The SDK's connection options (Username, Domain, Password, Local, Authority), as for
    New-CMBootMediaSiteCatalog.

    .PARAMETER UserDeviceAffinity
    The media's user device affinity setting (SubmitRegistrationRecord's UdaSetting): DoNotAllow (0, the
    default), AdministratorApproval (1, pending) or AutoApprove (2).

    .PARAMETER SkipCertificateCheck
    Accept the AdminService's TLS certificate without checking it (with a warning).

    .PARAMETER TimeoutSeconds
    How long to wait for each reply (default 30).

    .EXAMPLE
    $media = New-CMBootMedia -MediaType CD -DestinationPath D:\Media\PS1.iso -BootImageId PS100005 -SiteCatalog C:\Sites\PS1.json
    $media | Register-CMBootMediaCertificate -AdminService https://cm01.contoso.com/AdminService

    Creates media, then registers their certificate (Certificate and MediaGuid bind by property name).

    .EXAMPLE
    Register-CMBootMediaCertificate -Certificate ./media.cer -MediaGuid 1C0F4B8E-2D3A-4E5F-8A9B-0C1D2E3F4A5B -AdminService https://cm01.contoso.com/AdminService -Credential (Get-Credential) -WhatIf

    Shows what would be registered and sends nothing.

    .EXAMPLE
    $media | Register-CMBootMediaCertificate -SiteServer cm01.contoso.com

    On Windows, over WMI/CIM.

    .INPUTS
    Objects with Certificate and MediaGuid properties (CmTsMedia.BootMediaResult).

    .OUTPUTS
    CmTsMedia.CertificateRegistration

    .LINK
    New-CMBootMedia

    .LINK
    New-CMBootMediaSiteCatalog

    .LINK
    about_CmTsMedia
    #>
    [CmdletBinding(DefaultParameterSetName = 'AdminService', SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('CmTsMedia.CertificateRegistration')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNull()]
        [object] $Certificate,

        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidatePattern('^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$')]
        [string] $MediaGuid,

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

        [ValidateSet('DoNotAllow', 'AdministratorApproval', 'AutoApprove')]
        [string] $UserDeviceAffinity = 'DoNotAllow',

        [switch] $SkipCertificateCheck,

        [ValidateRange(1, 3600)]
        [int] $TimeoutSeconds = 30
    )

    process {
        $x509 = Resolve-CmTsMediaCertificate -Cmdlet $PSCmdlet -Certificate $Certificate
        if (-not $x509) { return }
        $guid = $MediaGuid.Trim('{', '}').ToUpperInvariant()
        $target = $AdminService
        if ($PSCmdlet.ParameterSetName -eq 'SiteServer') { $target = $SiteServer }
        $action = 'Register boot media certificate {0} for media {1}' -f $x509.Thumbprint, $guid
        if (-not $PSCmdlet.ShouldProcess($target, $action)) { return }
        $uda = @{ DoNotAllow = 0; AdministratorApproval = 1; AutoApprove = 2 }[$UserDeviceAffinity]
        $provider = $null
        try {
            $access = Initialize-CmTsSiteAccess -Cmdlet $PSCmdlet -Target $target -Credential $Credential -ConnectionOptions $ConnectionOptions -SkipCertificateCheck:$SkipCertificateCheck -TimeoutSeconds $TimeoutSeconds
            $registration = @{ Certificate = $x509; MediaGuid = $guid; UdaSetting = $uda }
            if ($AdminService) {
                $registration['AdminService'] = $AdminService.TrimEnd('/')
                $registration['Request'] = $access.Request
            }
            else {
                $provider = Open-CmTsProviderSession -SiteServer $SiteServer -Access $access
                $registration['Provider'] = $provider
                $target = $provider.Provider
            }
            $outcome = Invoke-CmTsCertificateRegistration @registration
        }
        catch {
            Write-CmTsCaughtError -Cmdlet $PSCmdlet -ErrorRecord $_
            return
        }
        finally {
            if ($provider) { Remove-CimSession -CimSession $provider.Session -ErrorAction SilentlyContinue }
        }
        $info = $outcome.Info
        if ($info -and $info.IsBlocked) { $PSCmdlet.WriteWarning(('The site lists certificate {0} as blocked: media using it are refused. Unblock it in the console (Administration > Security > Certificates) or make new media.' -f $x509.Thumbprint)) }
        if (-not $info) { $PSCmdlet.WriteWarning(('{0} accepted the registration but does not list media GUID {1} in SMS_CertificateInfo yet; check Administration > Security > Certificates.' -f $target, $guid)) }
        [pscustomobject]@{
            PSTypeName  = 'CmTsMedia.CertificateRegistration'
            MediaGuid   = $guid
            Thumbprint  = $x509.Thumbprint
            Status      = $outcome.Status
            Provider    = $target
            IsBlocked   = $(if ($info) { [bool]$info.IsBlocked } else { $false })
            Certificate = $x509
        }
    }
}
