function Open-CmTsProviderSession {
    <#
    .SYNOPSIS
    The WMI/CIM session to -SiteServer's SMS Provider, on Windows only (elsewhere E_INVALIDARG: use -AdminService).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $SiteServer,

        # Initialize-CmTsSiteAccess's result.
        [Parameter(Mandatory = $true)]
        [psobject] $Access
    )

    if (-not (Test-CmTsWindows)) {
        $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail ('-SiteServer {0} reaches the SMS Provider over WMI, which needs Windows; from this system use -AdminService https://<provider FQDN>/AdminService' -f $SiteServer) -TargetObject $SiteServer))
    }
    New-CmTsProviderSession -SiteServer $SiteServer -Credential $Access.Credential -ConnectionOptions $Access.Options
}
