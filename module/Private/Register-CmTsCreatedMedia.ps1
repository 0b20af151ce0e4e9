function Register-CmTsCreatedMedia {
    <#
    .SYNOPSIS
    New-CMBootMedia -Register: registers the new media's certificate with the SMS Provider the site catalog came from.
    .DESCRIPTION
    A catalog written by New-CMBootMediaSiteCatalog records its provider under extensions.source
    (the AdminService URL, or the WMI namespace path \\<machine>\root\sms\site_<code>) and whether
    -SkipCertificateCheck was used; the registration goes there, with the -ConnectionOptions of
    New-CMBootMedia (Username, Domain, Password: the SDK's connection to the SMS Provider). A catalog
    without that record is E_INVALIDARG naming Register-CMBootMediaCertificate instead. Returns the
    registration (CmTsMedia.CertificateRegistration) or $null after writing the error; the media stay.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [string] $SiteCatalog,

        [Parameter(Mandatory = $true)]
        [psobject] $Media,

        [hashtable] $ConnectionOptions
    )

    $source = $null
    try {
        $catalog = [System.IO.File]::ReadAllText($SiteCatalog) | ConvertFrom-Json
        if ($catalog.PSObject.Properties['extensions'] -and $catalog.extensions.PSObject.Properties['source']) { $source = $catalog.extensions.source }
    }
    catch {
        $source = $null
    }
    if (-not $source -or -not $source.provider) {
        $detail = '-Register: site catalog {0} does not record its SMS Provider (New-CMBootMediaSiteCatalog writes it); register with Register-CMBootMediaCertificate -Certificate <cer> -MediaGuid {1} -AdminService https://<provider FQDN>/AdminService' -f $SiteCatalog, $Media.MediaGuid
        $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail $detail -TargetObject $SiteCatalog))
        return $null
    }
    $register = @{ Certificate = $Media.Certificate; MediaGuid = $Media.MediaGuid; ErrorVariable = 'failed'; ErrorAction = 'SilentlyContinue'; Confirm = $false }
    if ($ConnectionOptions) { $register['ConnectionOptions'] = $ConnectionOptions }
    $provider = [string]$source.provider
    if ($provider -match '^\\\\([^\\]+)\\') { $register['SiteServer'] = $Matches[1] }
    else {
        $register['AdminService'] = $provider
        if ($source.PSObject.Properties['skipCertificateCheck'] -and $source.skipCertificateCheck) { $register['SkipCertificateCheck'] = $true }
    }
    $failed = $null
    $registration = Register-CMBootMediaCertificate @register
    foreach ($record in @($failed)) { if ($record) { Write-CmTsCaughtError -Cmdlet $Cmdlet -ErrorRecord $record } }
    $registration
}
