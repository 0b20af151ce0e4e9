function Resolve-CmTsMediaCertificate {
    <#
    .SYNOPSIS
    The media certificate as an X509Certificate2: given as one, or read from a .cer file (DER or PEM); $null after writing the error.
    #>
    [CmdletBinding()]
    [OutputType([System.Security.Cryptography.X509Certificates.X509Certificate2])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [object] $Certificate
    )

    $value = $Certificate.PSObject.BaseObject
    if ($value -is [System.Security.Cryptography.X509Certificates.X509Certificate2]) { return $value }
    if ($value -is [System.IO.FileInfo]) { $value = $value.FullName }
    if ($value -isnot [string]) {
        $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'E_INVALIDARG' -Detail ('-Certificate must be an X509Certificate2 or the path of a .cer file, not a {0}' -f $value.GetType().FullName)))
        return $null
    }
    $path = $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($value)
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'E_FILENOTFOUND' -Detail $path))
        return $null
    }
    try {
        $bytes = [System.IO.File]::ReadAllBytes($path)
        $text = [System.Text.Encoding]::ASCII.GetString($bytes)
        $pem = [regex]::Match($text, '-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----')
        if ($pem.Success) { $bytes = [System.Convert]::FromBase64String(($pem.Groups[1].Value -replace '\s', '')) }
        return New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 (, $bytes)
    }
    catch {
        $Cmdlet.WriteError((New-CmTsErrorRecord -Code 'CMTSMEDIA_E_CERTIFICATE' -Detail ('{0} is not a DER or PEM certificate: {1}' -f $path, $_.Exception.Message) -TargetObject $path))
        return $null
    }
}
