function Get-CmTsCertificateInfo {
    <#
    .SYNOPSIS
    The site's SMS_CertificateInfo row for a media GUID (SMSID), or $null; through the AdminService or WMI/CIM.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $MediaGuid,

        [string] $AdminService,

        [hashtable] $Request = @{},

        [psobject] $Provider
    )

    if ($Provider) {
        try {
            return Get-CimInstance -CimSession $Provider.Session -Namespace $Provider.Namespace -ClassName 'SMS_CertificateInfo' -Filter ("SMSID = '{0}'" -f $MediaGuid) -ErrorAction Stop | Select-Object -First 1
        }
        catch {
            $PSCmdlet.ThrowTerminatingError((ConvertFrom-CmTsCimError -Exception $_.Exception -Target ('{0}:SMS_CertificateInfo' -f $Provider.Provider)))
        }
    }
    $uri = '{0}/wmi/SMS_CertificateInfo?$filter={1}' -f $AdminService, [uri]::EscapeDataString(("SMSID eq '{0}'" -f $MediaGuid))
    $text = Invoke-CmTsSiteRequest @Request -Uri $uri
    try {
        $reply = $text | ConvertFrom-Json -ErrorAction Stop
    }
    catch {
        $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEREPLY' -Detail ('{0}: the JSON is malformed or cut short' -f $uri) -TargetObject $uri))
    }
    if ($null -eq $reply -or -not $reply.PSObject.Properties['value']) {
        $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEREPLY' -Detail ('{0}: the answer has no "value" array of instances' -f $uri) -TargetObject $uri))
    }
    @($reply.value) | Where-Object { $_ } | Select-Object -First 1
}
