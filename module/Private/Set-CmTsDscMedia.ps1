function Set-CmTsDscMedia {
    <#
    .SYNOPSIS
    Makes the media a CMBootMedia DSC resource describes: New-CMBootMedia -Force (Ensure Present), or
    removes a CD's .iso file (Ensure Absent). CmTsMedia never erases USB media (docs/dsc.md).
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory = $true)]
        [object] $Resource
    )

    if ($Resource.Ensure -eq 'Absent') {
        if ($Resource.MediaType -ne 'CD') {
            $PSCmdlet.ThrowTerminatingError((New-CmTsErrorRecord -Code 'E_NOTIMPL' -Detail ('Ensure = Absent for {0} media: CmTsMedia never erases USB media; remove them by hand' -f $Resource.MediaType) -TargetObject $Resource.DestinationPath))
        }
        Remove-Item -LiteralPath $Resource.DestinationPath -Force -ErrorAction SilentlyContinue
        return
    }
    $new = @{
        MediaType       = $Resource.MediaType
        DestinationPath = $Resource.DestinationPath
        BootImageId     = $Resource.BootImageId
        Force           = $true
        Confirm         = $false
        ErrorAction     = 'Stop'
        WarningAction   = 'SilentlyContinue'
    }
    if ($Resource.SiteCatalog) { $new['SiteCatalog'] = $Resource.SiteCatalog }
    if ($null -ne $Resource.MediaPassword) { $new['MediaPassword'] = $Resource.MediaPassword.Password }
    if ($Resource.MediaLabel) { $new['MediaLabel'] = $Resource.MediaLabel }
    $null = New-CMBootMedia @new
}
