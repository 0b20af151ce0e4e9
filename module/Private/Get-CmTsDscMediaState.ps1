function Get-CmTsDscMediaState {
    <#
    .SYNOPSIS
    The state of the media a CMBootMedia DSC resource describes (docs/dsc.md).
    .DESCRIPTION
    Exists: the destination holds media (a CD's .iso file, a UFD volume with SMS\data\TsmBootstrap.ini,
    a UFD+FORMAT disk or image file). Info: Test-CMBootMedia's result for them (with -SiteCatalog when
    the resource names one, so staleness counts), or $null when they do not exist or cannot be read.
    Problems: Info's problems plus what differs from the resource (media type, boot image, label), or
    why the media cannot be read.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Resource
    )

    $state = @{ Exists = $false; Info = $null; Problems = @() }
    $path = $Resource.DestinationPath
    $isUfd = $Resource.MediaType -eq 'UFD'
    if ($isUfd) { $state.Exists = Test-Path -LiteralPath ([System.IO.Path]::Combine($path, 'SMS', 'data', 'TsmBootstrap.ini')) -PathType Leaf }
    else { $state.Exists = Test-Path -LiteralPath $path }
    if (-not $state.Exists) { return $state }

    $test = @{ Path = $path; CertificateRenewal = [System.TimeSpan]::FromDays($Resource.CertificateRenewalDays); ErrorAction = 'Stop' }
    if ($Resource.SiteCatalog) { $test['SiteCatalog'] = $Resource.SiteCatalog }
    if ($null -ne $Resource.MediaPassword) { $test['MediaPassword'] = $Resource.MediaPassword.Password }
    try {
        $info = Test-CMBootMedia @test
    }
    catch {
        $state.Problems = @('The media cannot be read: ' + $_.Exception.Message)
        return $state
    }
    $state.Info = $info
    $problems = @($info.Problems)
    if ($info.MediaType -and $info.MediaType -ne $Resource.MediaType) { $problems += ('The media are {0} media, not {1}.' -f $info.MediaType, $Resource.MediaType) }
    if ($info.BootImageId -ne $Resource.BootImageId) { $problems += ('The media boot {0}, not {1}.' -f $info.BootImageId, $Resource.BootImageId) }
    if ($Resource.MediaLabel -and $info.Label -ne $Resource.MediaLabel) { $problems += ('The media label is "{0}", not "{1}".' -f $info.Label, $Resource.MediaLabel) }
    $state.Problems = $problems
    $state
}
