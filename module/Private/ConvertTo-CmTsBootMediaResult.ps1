function ConvertTo-CmTsBootMediaResult {
    <#
    .SYNOPSIS
    The engine's createBootMedia result as a CmTsMedia.BootMediaResult (docs/protocol.md "Commands", docs/module.md).
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.BootMediaResult')]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Result
    )

    $certificate = $null
    if ($Result.certificate) {
        # The public part only, to export (.Export('Cert')) or register with the site.
        $certificate = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 (, [System.Convert]::FromBase64String([string]$Result.certificate))
    }
    # Times are shown local; the objects keep UTC too (docs/module.md "Status housekeeping").
    $notAfter = ConvertFrom-CmTsDate -Value $Result.certificateNotAfter
    [pscustomobject]@{
        PSTypeName            = 'CmTsMedia.BootMediaResult'
        OperationId           = [string]$Result.operationId
        MediaType             = [string]$Result.mediaType
        DestinationPath       = [string]$Result.destinationPath
        BootImageId           = [string]$Result.bootImageId
        BytesWritten          = [long]$Result.bytesWritten
        MediaGuid             = [string]$Result.mediaGuid
        CertificateThumbprint = [string]$Result.certificateThumbprint
        CertificateNotAfter   = ConvertTo-CmTsLocalTime -Utc $notAfter
        CertificateNotAfterUtc = $notAfter
        Certificate           = $certificate
        Firmware              = [string[]]@($Result.firmware)
        MediaLabel            = [string]$Result.mediaLabel
        Duration              = [System.TimeSpan]::FromMilliseconds([double]$Result.durationMs)
        LogPath               = [string]$Result.logPath
    }
}
