function Invoke-CmTsSiteRequest {
    <#
    .SYNOPSIS
    One HTTP request to the site (a management point or the AdminService) through PowerShell's web cmdlets.
    .DESCRIPTION
    HTTP happens here, in the module, so that Windows authentication is what PowerShell does for the
    user: -Credential, or the signed-in user's Kerberos ticket (-UseDefaultCredentials), on every OS
    (docs/live-site.md, "Where HTTP happens"). Returns the reply body as text. Every failure is thrown
    as a typed ErrorRecord (ConvertTo-CmTsSiteError): unreachable or no answer in time, 401, 403, any
    other HTTP error. -SkipCertificateCheck applies to this request only.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Uri,

        [ValidateSet('GET', 'POST')]
        [string] $Method = 'GET',

        [string] $Body,

        [System.Management.Automation.PSCredential] $Credential,

        [switch] $UseDefaultCredentials,

        [switch] $SkipCertificateCheck,

        [ValidateRange(1, 3600)]
        [int] $TimeoutSeconds = 30
    )

    $request = @{ Uri = $Uri; Method = $Method; TimeoutSec = $TimeoutSeconds; UseBasicParsing = $true; ErrorAction = 'Stop' }
    if ($Body) {
        $request['Body'] = [System.Text.Encoding]::UTF8.GetBytes($Body)
        $request['ContentType'] = 'application/json; charset=utf-8'
    }
    if ($Credential) { $request['Credential'] = $Credential }
    elseif ($UseDefaultCredentials) { $request['UseDefaultCredentials'] = $true }
    $legacyTls = $SkipCertificateCheck -and $PSVersionTable.PSVersion.Major -lt 6
    if ($SkipCertificateCheck -and -not $legacyTls) { $request['SkipCertificateCheck'] = $true }
    $savedCallback = $null
    if ($legacyTls) {
        # Windows PowerShell 5.1 has no -SkipCertificateCheck: the process-wide callback, restored below.
        $savedCallback = [System.Net.ServicePointManager]::ServerCertificateValidationCallback
        [System.Net.ServicePointManager]::ServerCertificateValidationCallback = { $true }
    }
    try {
        $response = Invoke-WebRequest @request
    }
    catch {
        $PSCmdlet.ThrowTerminatingError((ConvertTo-CmTsSiteError -ErrorRecord $_ -Uri $Uri -TimeoutSeconds $TimeoutSeconds))
    }
    finally {
        if ($legacyTls) { [System.Net.ServicePointManager]::ServerCertificateValidationCallback = $savedCallback }
    }
    $content = $response.Content
    if ($content -is [byte[]]) { $content = [System.Text.Encoding]::UTF8.GetString($content) }
    [string]$content
}
