function Get-CmTsManagementPointReplies {
    <#
    .SYNOPSIS
    Fetches the management point's anonymous replies the site catalog needs (docs/live-site.md, "Management point").
    .DESCRIPTION
    GET <MP>/SMS_MP/.sms_aut?<operation>, no authentication, as boot media do: MPKEYINFORMATIONMEDIA
    (site code, the MP's certificate, trusted root key, unknown-computer GUIDs), MPLIST1&<site code>
    (that site's MPs with their SSL state; MPLIST when the MP refuses it), SITESIGNCERT, and the
    optional MPCERT and SMSTRC. Returns a hashtable operation -> body for the engine, which reads them;
    the site code for MPLIST1 is taken from the key information's <SITECODE> here only to build the URL.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $ManagementPoint,

        [int] $TimeoutSeconds = 30
    )

    $base = $ManagementPoint.TrimEnd('/') + '/SMS_MP/.sms_aut?'
    $replies = @{}
    $get = { param($Operation) Invoke-CmTsSiteRequest -Uri ($base + $Operation) -TimeoutSeconds $TimeoutSeconds }
    $replies['MPKEYINFORMATIONMEDIA'] = & $get 'MPKEYINFORMATIONMEDIA'
    $match = [regex]::Match($replies['MPKEYINFORMATIONMEDIA'], '<SITECODE>\s*([A-Za-z0-9]{3})\s*</SITECODE>', 'IgnoreCase')
    if ($match.Success) {
        $operation = 'MPLIST1&' + $match.Groups[1].Value.ToUpperInvariant()
        try {
            $replies[$operation] = & $get $operation
        }
        catch {
            # An MP answers 500 for a site it does not serve (reference capture); the plain list then.
            if ($_.FullyQualifiedErrorId -notlike 'CMTSMEDIA_E_SITEREPLY*') { $PSCmdlet.ThrowTerminatingError($_) }
            $replies['MPLIST'] = & $get 'MPLIST'
        }
    }
    $replies['SITESIGNCERT'] = & $get 'SITESIGNCERT'
    foreach ($optional in 'MPCERT', 'SMSTRC') {
        try {
            $replies[$optional] = & $get $optional
        }
        catch {
            if ($_.FullyQualifiedErrorId -notlike 'CMTSMEDIA_E_SITEREPLY*') { $PSCmdlet.ThrowTerminatingError($_) }
            Write-Verbose ('{0}: {1}' -f $optional, $_.Exception.Message)
        }
    }
    $replies
}
