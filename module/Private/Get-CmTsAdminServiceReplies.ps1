function Get-CmTsAdminServiceReplies {
    <#
    .SYNOPSIS
    Reads the site's boot images and their distribution points from the AdminService (docs/live-site.md, "SMS Provider").
    .DESCRIPTION
    GET <AdminService>/wmi/<Class>?$filter=...&$select=... for SMS_Identification, SMS_BootImagePackage and
    SMS_PackageStatusDistPointsSummarizer (boot images only: PackageType 258). Returns a hashtable
    class -> the reply's JSON text (the OData envelope), which the engine reads. Pages that the service
    links with @odata.nextLink are fetched and merged into one envelope.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $AdminService,

        [hashtable] $Request = @{}
    )

    $base = $AdminService.TrimEnd('/') + '/wmi/'
    $queries = [ordered]@{
        SMS_Identification                    = '$select=ThisSiteCode,ThisSiteName'
        SMS_BootImagePackage                  = '$select=PackageID,Name,Architecture,SourceVersion'
        SMS_PackageStatusDistPointsSummarizer = '$filter=' + [uri]::EscapeDataString('PackageType eq 258') + '&$select=PackageID,ServerNALPath,State,SourceVersion'
    }
    $replies = @{}
    foreach ($class in $queries.Keys) {
        $text = Invoke-CmTsSiteRequest @Request -Uri ($base + $class + '?' + $queries[$class])
        $replies[$class] = Join-CmTsODataPages -Text $text -Request $Request
    }
    $replies
}
