function Get-CmTsCimReplies {
    <#
    .SYNOPSIS
    Reads the site's boot images and their distribution points over WMI/CIM (Windows, -SiteServer).
    .DESCRIPTION
    The same classes and properties as the AdminService path (Get-CmTsAdminServiceReplies), queried with
    Get-CimInstance in the provider's site namespace, and wrapped in the AdminService's envelope
    {"value": [...]} so the engine reads both alike.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Provider
    )

    $queries = [ordered]@{
        SMS_Identification                    = @{ Property = 'ThisSiteCode', 'ThisSiteName' }
        SMS_BootImagePackage                  = @{ Property = 'PackageID', 'Name', 'Architecture', 'SourceVersion' }
        SMS_PackageStatusDistPointsSummarizer = @{ Property = 'PackageID', 'ServerNALPath', 'State', 'SourceVersion'; Filter = 'PackageType = 258' }
    }
    $replies = @{}
    foreach ($class in $queries.Keys) {
        $query = $queries[$class]
        $arguments = @{ CimSession = $Provider.Session; Namespace = $Provider.Namespace; ClassName = $class; ErrorAction = 'Stop' }
        if ($query['Filter']) { $arguments['Filter'] = $query['Filter'] }
        try {
            $instances = @(Get-CimInstance @arguments)
        }
        catch {
            $PSCmdlet.ThrowTerminatingError((ConvertFrom-CmTsCimError -Exception $_.Exception -Target ('{0}:{1}' -f $Provider.Provider, $class)))
        }
        $rows = foreach ($instance in $instances) {
            $row = [ordered]@{}
            foreach ($name in $query['Property']) { $row[$name] = $instance.$name }
            $row
        }
        $replies[$class] = ConvertTo-Json -InputObject @{ value = @($rows) } -Depth 4 -Compress
    }
    $replies
}
