function ConvertTo-CmTsBootMediaInfo {
    <#
    .SYNOPSIS
    The engine's inspectMedia result as a CmTsMedia.BootMediaInfo (docs/readback.md "What Test-CMBootMedia checks").
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.BootMediaInfo')]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Result
    )

    $version = $null
    if ($null -ne $Result.bootImageVersion) { $version = [int]$Result.bootImageVersion }
    $notAfter = $null
    if ($Result.certificateNotAfter) { $notAfter = ConvertFrom-CmTsDate -Value $Result.certificateNotAfter }
    $nullableBool = {
        param($Value)
        if ($null -eq $Value) { return $null }
        [bool]$Value
    }
    [pscustomobject]@{
        PSTypeName            = 'CmTsMedia.BootMediaInfo'
        Path                  = [string]$Result.path
        MediaType             = [string]$Result.mediaType
        Label                 = [string]$Result.label
        MediaGuid             = [string]$Result.mediaGuid
        SiteCode              = [string]$Result.siteCode
        ManagementPoints      = [string[]]@($Result.managementPoints | Where-Object { $null -ne $_ })
        MediaMode             = [string]$Result.mediaMode
        BootImageId           = [string]$Result.bootImageId
        BootImageVersion      = $version
        Architecture          = [string]$Result.architecture
        BiosBootable          = [bool]$Result.biosBootable
        UefiBootable          = [bool]$Result.uefiBootable
        PasswordProtected     = & $nullableBool $Result.passwordProtected
        Unattended            = & $nullableBool $Result.unattended
        CertificateThumbprint = [string]$Result.certificateThumbprint
        CertificateNotAfter   = $notAfter
        FilesVerified         = [int]$Result.filesVerified
        Problems              = [string[]]@($Result.problems | Where-Object { $null -ne $_ })
        IsValid               = [bool]$Result.isValid
        Notes                 = [string[]]@($Result.notes | Where-Object { $null -ne $_ })
        Creator               = [string]$Result.creator
        FileSystem            = [string]$Result.fileSystem
    }
}
