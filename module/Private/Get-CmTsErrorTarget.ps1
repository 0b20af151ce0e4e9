function Get-CmTsErrorTarget {
    <#
    .SYNOPSIS
    Chooses an error's TargetObject: what the admin has to look at to fix it.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Row,

        [AllowEmptyString()]
        [AllowNull()]
        [string] $Detail,

        [hashtable] $Context = @{}
    )

    switch -Regex ($Row.code) {
        # The SDK's ErrorDetail names the package, the option or the file itself.
        '^(CREATETSMEDIA_E_MISSINGPACKAGE|CREATETSMEDIA_E_PACKAGETOOLARGE|CREATETSMEDIA_E_CONNECTIONOPTIONNAME|CMTSMEDIA_E_OPERATIONNOTFOUND)$' { return $Detail }
        '^CMTSMEDIA_E_MEDIAUNREADABLE$' { return $Context['Path'] }
        '^(E_FILENOTFOUND|E_PATHNOTFOUND|E_ACCESSDENIED|E_FILEEXISTS|E_DISKFULL|E_IO|CMTSMEDIA_E_DESTINATIONBUSY)$' {
            if ($Detail) { return $Detail }
            return $Context['DestinationPath']
        }
    }
    switch ($Row.group) {
        'VolumeException' { return $Context['DestinationPath'] }
        'SiteConfigurationException' { return $Context['SiteCatalog'] }
        'BootImageException' { return $Context['SiteCatalog'] }
        'CertificateException' { return $Context['CertificatePath'] }
    }
    if ($Detail) { return $Detail }
    $null
}
