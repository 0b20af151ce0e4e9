function Initialize-CmTsSiteAccess {
    <#
    .SYNOPSIS
    How a command reaches the SMS Provider: the connection options checked, the credential, the web request settings.
    .DESCRIPTION
    Shared by New-CMBootMediaSiteCatalog and Register-CMBootMediaCertificate. The SDK's connection
    options are checked by the engine (CREATETSMEDIA_E_CONNECTIONOPTIONNAME / _CONNECTIONOPTIONS; the
    options travel on its stdin); -SkipCertificateCheck warns; the credential is -Credential or the
    options' user (ConvertTo-CmTsSiteCredential), else the signed-in user's. Returns Credential,
    Options (the connection options, never $null) and Request (Invoke-CmTsSiteRequest's parameters);
    a bad option is thrown as its typed ErrorRecord.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [string] $Target,

        [System.Management.Automation.PSCredential] $Credential,

        [hashtable] $ConnectionOptions,

        [switch] $SkipCertificateCheck,

        [int] $TimeoutSeconds = 30
    )

    $options = @{}
    if ($ConnectionOptions) { $options = $ConnectionOptions }
    if ($options.Count -gt 0) {
        $checked = Invoke-CmTsEngine -Cmdlet $Cmdlet -Command 'checkConnectionOptions' -Params @{ connectionOptions = $options }
        if ($checked.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($checked.ErrorRecord) }
    }
    if ($SkipCertificateCheck) {
        $Cmdlet.WriteWarning(('-SkipCertificateCheck: the certificate of {0} is not checked, so anyone between this computer and the site could answer in its place. Import the site''s SMS Issuing root (Administration > Security > Certificates) into the trusted roots instead.' -f $Target))
    }
    $siteCredential = ConvertTo-CmTsSiteCredential -Credential $Credential -ConnectionOptions $options
    $request = @{ TimeoutSeconds = $TimeoutSeconds; SkipCertificateCheck = $SkipCertificateCheck }
    if ($siteCredential) { $request['Credential'] = $siteCredential } else { $request['UseDefaultCredentials'] = $true }
    [pscustomobject]@{ Credential = $siteCredential; Options = $options; Request = $request }
}
