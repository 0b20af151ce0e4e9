# The admin's path against the test site, as README.md shows it: the site catalog, the media, the
# certificate registered. Run by live-site-e2e.test.ts with the built module; the AdminService password
# arrives on stdin (never on the command line). Prints one JSON line with what the test checks.
param(
    [Parameter(Mandatory)] [string] $Manifest,
    [Parameter(Mandatory)] [string] $ManagementPoint,
    [Parameter(Mandatory)] [string] $AdminService,
    [Parameter(Mandatory)] [string] $UserName,
    [Parameter(Mandatory)] [string] $ContentLibrary,
    [Parameter(Mandatory)] [string] $Catalog,
    [Parameter(Mandatory)] [string] $Iso
)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$password = ConvertTo-SecureString ([Console]::In.ReadLine()) -AsPlainText -Force
$credential = New-Object System.Management.Automation.PSCredential ($UserName, $password)

$site = New-CMBootMediaSiteCatalog -ManagementPoint $ManagementPoint -AdminService $AdminService -Credential $credential -SkipCertificateCheck `
    -ContentLibrary ('ps1-dp.mayyhem.com=' + $ContentLibrary) -Path $Catalog -WarningAction SilentlyContinue
$media = New-CMBootMedia -MediaType CD -DestinationPath $Iso -BootImageId PS100005 -SiteCatalog $Catalog -AllowUnknownMachine -WarningAction SilentlyContinue
$registration = $media | Register-CMBootMediaCertificate -AdminService $AdminService -Credential $credential -SkipCertificateCheck -WarningAction SilentlyContinue
$again = $media | Register-CMBootMediaCertificate -AdminService $AdminService -Credential $credential -SkipCertificateCheck -WarningAction SilentlyContinue
[ordered]@{
    siteCode         = $site.SiteCode
    managementPoints = $site.ManagementPoints
    bootImages       = @($site.BootImages | ForEach-Object { $_.PackageID })
    path             = $site.Path
    mediaGuid        = $media.MediaGuid
    certificate      = [System.Convert]::ToBase64String($media.Certificate.RawData)
    registration     = $registration.Status
    again            = $again.Status
} | ConvertTo-Json -Compress
