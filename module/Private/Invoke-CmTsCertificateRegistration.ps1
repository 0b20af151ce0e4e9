function Invoke-CmTsCertificateRegistration {
    <#
    .SYNOPSIS
    Registers a media certificate with the site as a boot media certificate, once (docs/live-site.md, "Registering the media certificate").
    .DESCRIPTION
    What the console's media wizard does: SMS_Site.SubmitRegistrationRecord(SMSID = the media GUID,
    Certificate = the certificate's DER as uppercase hex, Type 1 = boot media, UdaSetting, IssuedCert 1
    self-signed / 2 issued by a CA). First SMS_CertificateInfo is read for the SMSID: the same
    certificate there means nothing is sent (AlreadyRegistered); another certificate under the same
    media GUID is E_INVALIDARG. Through the AdminService (POST wmi/SMS_Site.SubmitRegistrationRecord) or
    WMI/CIM (Invoke-CimMethod on the SMS_Site class). Returns Status and the SMS_CertificateInfo row
    when the site lists it; failures are thrown as typed ErrorRecords.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate,

        [Parameter(Mandatory = $true)]
        [string] $MediaGuid,

        [Parameter(Mandatory = $true)]
        [ValidateRange(0, 2)]
        [int] $UdaSetting,

        # AdminService: the base URL and Invoke-CmTsSiteRequest's credential/TLS/timeout parameters.
        [string] $AdminService,

        [hashtable] $Request = @{},

        # WMI: New-CmTsProviderSession's result.
        [psobject] $Provider
    )

    $record = [ordered]@{
        SMSID       = $MediaGuid.ToUpperInvariant()
        Certificate = [System.BitConverter]::ToString($Certificate.RawData).Replace('-', '')
        Type        = 1
        UdaSetting  = $UdaSetting
        IssuedCert  = $(if ($Certificate.Subject -eq $Certificate.Issuer) { 1 } else { 2 })
    }
    $where = $AdminService
    if ($Provider) { $where = $Provider.Provider }
    $existing = Get-CmTsCertificateInfo -MediaGuid $record.SMSID -AdminService $AdminService -Request $Request -Provider $Provider
    if ($existing) {
        if ([string]$existing.Thumbprint -ne $Certificate.Thumbprint) {
            $detail = 'media GUID {0} is registered at {1} with another certificate (thumbprint {2}, not {3}); every media has its own GUID: pass the MediaGuid of the media this certificate belongs to' -f $record.SMSID, $where, $existing.Thumbprint, $Certificate.Thumbprint
            $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail $detail -TargetObject $MediaGuid))
        }
        return [pscustomobject]@{ Status = 'AlreadyRegistered'; Info = $existing }
    }

    if ($Provider) {
        try {
            $reply = Invoke-CimMethod -CimSession $Provider.Session -Namespace $Provider.Namespace -ClassName 'SMS_Site' -MethodName 'SubmitRegistrationRecord' -Arguments ([hashtable]$record) -ErrorAction Stop
        }
        catch {
            if ($_.Exception -is [CmTsMedia.CmTsMediaException]) { $PSCmdlet.ThrowTerminatingError($_) }
            $PSCmdlet.ThrowTerminatingError((ConvertFrom-CmTsCimError -Exception $_.Exception -Target ('{0}:SMS_Site.SubmitRegistrationRecord' -f $where)))
        }
        $returnValue = $reply.ReturnValue
    }
    else {
        $uri = $AdminService + '/wmi/SMS_Site.SubmitRegistrationRecord'
        try {
            $text = Invoke-CmTsSiteRequest @Request -Uri $uri -Method POST -Body (ConvertTo-Json -InputObject $record -Compress)
        }
        catch {
            # That the AdminService offers this method is unverified (docs/live-site.md): say what else works.
            if ($_.Exception.ErrorDetail -match 'answered HTTP (404|405|501)') {
                $detail = '{0} answered HTTP {1}: this AdminService does not offer SMS_Site.SubmitRegistrationRecord; register over WMI with -SiteServer <site server> from a Windows computer' -f $uri, $Matches[1]
                $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEREPLY' -Detail $detail -TargetObject $uri))
            }
            $PSCmdlet.ThrowTerminatingError($_)
        }
        $returnValue = $null
        try { $parsed = $text | ConvertFrom-Json -ErrorAction Stop } catch { $parsed = $null }
        if ($parsed -and $parsed.PSObject.Properties['ReturnValue']) { $returnValue = $parsed.ReturnValue }
        elseif ($parsed -and $parsed.PSObject.Properties['value'] -and $parsed.value -is [ValueType]) { $returnValue = $parsed.value }
    }
    if ($null -ne $returnValue -and [int]$returnValue -ne 0) {
        $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEREPLY' -Detail ('{0}: SMS_Site.SubmitRegistrationRecord returned {1}' -f $where, $returnValue) -TargetObject $where))
    }
    [pscustomobject]@{ Status = 'Registered'; Info = (Get-CmTsCertificateInfo -MediaGuid $record.SMSID -AdminService $AdminService -Request $Request -Provider $Provider) }
}
