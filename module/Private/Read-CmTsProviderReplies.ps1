function Read-CmTsProviderReplies {
    <#
    .SYNOPSIS
    Reads the SMS Provider's replies for the site catalog: the AdminService over HTTPS, or WMI/CIM on Windows.
    .DESCRIPTION
    Returns Provider (the AdminService URL or the WMI namespace path, recorded in the catalog) and Replies
    (class -> OData envelope text). -SiteServer anywhere but Windows is E_INVALIDARG: WMI/CIM to a site
    server needs Windows; -AdminService works from any OS. Failures are thrown as typed ErrorRecords.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [string] $AdminService,

        [string] $SiteServer,

        # Initialize-CmTsSiteAccess's result.
        [Parameter(Mandatory = $true)]
        [psobject] $Access
    )

    if ($AdminService) {
        $base = $AdminService.TrimEnd('/')
        return [pscustomobject]@{ Provider = $base; Replies = (Get-CmTsAdminServiceReplies -AdminService $base -Request $Access.Request) }
    }
    $provider = Open-CmTsProviderSession -SiteServer $SiteServer -Access $Access
    try {
        [pscustomobject]@{ Provider = $provider.Provider; Replies = (Get-CmTsCimReplies -Provider $provider) }
    }
    finally {
        Remove-CimSession -CimSession $provider.Session -ErrorAction SilentlyContinue
    }
}
