function New-CmTsProviderSession {
    <#
    .SYNOPSIS
    Connects to the SMS Provider of -SiteServer over WMI/CIM (Windows) and finds its site namespace.
    .DESCRIPTION
    As the SDK documents it: root\SMS on the site server holds SMS_ProviderLocation; the instance with
    ProviderForLocalSite = true names the provider's machine and its namespace (\\SERVER\root\sms\site_PS1).
    The connection options keep the SDK's meaning (docs/live-site.md, "ConnectionOptions"): the user
    and password (ConvertTo-CmTsSiteCredential), Authority 'kerberos:<principal>' -> Kerberos or
    'ntlmdomain:<domain>' -> NtlmDomain authentication; Local true means the signed-in user's own
    connection (the engine's check has already refused it together with a user or password).
    Returns Session, Namespace and Provider (the machine); failures are thrown as typed errors.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $SiteServer,

        [System.Management.Automation.PSCredential] $Credential,

        [hashtable] $ConnectionOptions = @{}
    )

    $common = @{ ErrorAction = 'Stop' }
    if ($Credential) { $common['Credential'] = $Credential }
    foreach ($key in $ConnectionOptions.Keys) {
        $value = [string]$ConnectionOptions[$key]
        switch -Regex ([string]$key) {
            '^Authority$' {
                if ($value -match '^kerberos:') { $common['Authentication'] = 'Kerberos' } else { $common['Authentication'] = 'NtlmDomain' }
            }
        }
    }
    $uri = 'wmi://{0}/root/SMS' -f $SiteServer
    try {
        $session = New-CimSession -ComputerName $SiteServer @common
        $location = @(Get-CimInstance -CimSession $session -Namespace 'root\SMS' -ClassName 'SMS_ProviderLocation' -ErrorAction Stop |
            Where-Object { $_.ProviderForLocalSite }) | Select-Object -First 1
        if (-not $location) {
            $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEREPLY' -Detail ('{0}: no SMS_ProviderLocation instance has ProviderForLocalSite = true (is {1} a site server?)' -f $uri, $SiteServer) -TargetObject $SiteServer))
        }
        $namespace = ([string]$location.NamespacePath) -replace '^\\\\[^\\]+\\', ''
        $provider = [string]$location.Machine
        if ($provider -and $provider -ne $SiteServer) {
            Remove-CimSession -CimSession $session -ErrorAction SilentlyContinue
            $session = New-CimSession -ComputerName $provider @common
        }
    }
    catch {
        if ($_.Exception -is [CmTsMedia.CmTsMediaException]) { $PSCmdlet.ThrowTerminatingError($_) }
        $PSCmdlet.ThrowTerminatingError((ConvertFrom-CmTsCimError -Exception $_.Exception -Target $uri))
    }
    [pscustomobject]@{ Session = $session; Namespace = $namespace; Provider = ('\\{0}\{1}' -f $(if ($provider) { $provider } else { $SiteServer }), $namespace) }
}
