function ConvertTo-CmTsBootMediaResult {
    <#
    .SYNOPSIS
    The engine's createBootMedia result as a CmTsMedia.BootMediaResult (SPEC section 2).
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
    # Times are shown local; the objects keep UTC too (SPEC 7.5).
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

function ConvertTo-CmTsBootMediaStatus {
    <#
    .SYNOPSIS
    One engine status entry as a CmTsMedia.BootMediaStatus with the SDK's Status / ExitCode / ErrorDetail.
    .DESCRIPTION
    SDK semantics: Status is non-zero while the operation runs and 0 once it has finished (whatever the
    outcome); ExitCode is the HRESULT (0 on success).
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.BootMediaStatus')]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Status
    )

    $state = [string]$Status.state
    $sdkStatus = 0
    if ($null -ne $Status.status) { $sdkStatus = [int]$Status.status }
    elseif ($state -eq 'Running') { $sdkStatus = 1 }
    $percent = $null
    if ($null -ne $Status.percent) { $percent = [int]$Status.percent }
    $bytes = $null
    if ($null -ne $Status.bytesWritten) { $bytes = [long]$Status.bytesWritten }
    $started = ConvertFrom-CmTsDate -Value $Status.startedAt
    $ended = ConvertFrom-CmTsDate -Value $Status.endedAt
    $updated = ConvertFrom-CmTsDate -Value $Status.updatedAt

    [pscustomobject]@{
        PSTypeName      = 'CmTsMedia.BootMediaStatus'
        OperationId     = [string]$Status.operationId
        Status          = $sdkStatus
        State           = $state
        ExitCode        = ConvertFrom-CmTsHResult -Value $Status.exitCode
        ErrorCode       = [string]$Status.errorCode
        ErrorDetail     = [string]$Status.errorDetail
        Step            = [int]$Status.step
        Steps           = [int]$Status.steps
        StepInfo        = [string]$Status.stepInfo
        Percent         = $percent
        MediaType       = [string]$Status.mediaType
        DestinationPath = [string]$Status.destinationPath
        BootImageId     = [string]$Status.bootImageId
        StartTime       = ConvertTo-CmTsLocalTime -Utc $started
        EndTime         = ConvertTo-CmTsLocalTime -Utc $ended
        UpdateTime      = ConvertTo-CmTsLocalTime -Utc $updated
        StartTimeUtc    = $started
        EndTimeUtc      = $ended
        UpdateTimeUtc   = $updated
        ErrorMessage    = [string]$Status.errorMessage
        BytesWritten    = $bytes
        ComputerName    = [string]$Status.computerName
        ProcessId       = [int]$Status.pid
    }
}

function ConvertTo-CmTsLocalTime {
    <#
    .SYNOPSIS
    A UTC DateTime as local time (Kind Local) for display; $null stays $null.
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param(
        [AllowNull()]
        [object] $Utc
    )

    if ($null -eq $Utc) { return $null }
    ([datetime]$Utc).ToLocalTime()
}

function ConvertTo-CmTsBootImage {
    <#
    .SYNOPSIS
    One entry of the engine's getBootImages result as a CmTsMedia.BootImage.
    .DESCRIPTION
    PackageID is the property name Microsoft's Get-CMBootImage uses, so the objects bind to
    New-CMBootMedia -BootImageId (alias PackageID) by property name; SiteCatalog binds too. Architecture
    and Version are what the WIM says about itself; the catalog's architecture is CatalogArchitecture.
    #>
    [CmdletBinding()]
    [OutputType('CmTsMedia.BootImage')]
    param(
        [Parameter(Mandatory = $true)]
        [psobject] $Image,

        [Parameter(Mandatory = $true)]
        [string] $SiteCatalog
    )

    $architecture = [string]$Image.wimArchitecture
    if (-not $architecture) { $architecture = [string]$Image.architecture }
    # MAJOR.MINOR.BUILD.SPBUILD from the WIM's XML; a version with fewer parts stays a string.
    $version = $null
    if ($Image.wimVersion) {
        $parsed = $null
        if ([version]::TryParse([string]$Image.wimVersion, [ref]$parsed)) { $version = $parsed } else { $version = [string]$Image.wimVersion }
    }
    [pscustomobject]@{
        PSTypeName          = 'CmTsMedia.BootImage'
        PackageID           = [string]$Image.packageId
        Name                = [string]$Image.name
        Architecture        = $architecture
        Version             = $version
        ImageName           = [string]$Image.wimImageName
        SourceVersion       = [int]$Image.sourceVersion
        SiteCode            = [string]$Image.siteCode
        CatalogArchitecture = [string]$Image.architecture
        DistributionPoints  = [string[]]@($Image.distributionPoints)
        WimPath             = [string]$Image.wimPath
        Problem             = [string]$Image.problem
        SiteCatalog         = $SiteCatalog
    }
}
