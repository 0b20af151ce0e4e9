@{
    RootModule           = 'module/CmTsMedia.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '97015236-e4f1-4d81-ad7c-db55ef9c7fc6'
    Author               = 'CmTsMedia contributors'
    CompanyName          = 'CmTsMedia'
    Copyright            = '(c) CmTsMedia contributors. MIT License.'
    Description          = 'Creates Configuration Manager task sequence boot media (bootable ISO or USB) without the ConfigMgr console or the Windows ADK, on Windows, Linux and macOS.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('module/CmTsMedia.Format.ps1xml')
    FunctionsToExport    = @('New-CMBootMedia', 'Get-CMBootMediaStatus', 'Get-CMBootMediaImage', 'Test-CMBootMedia', 'Remove-CMBootMediaStatus', 'New-CMBootMediaSiteCatalog', 'Register-CMBootMediaCertificate')
    CmdletsToExport      = @()
    DscResourcesToExport = @('CMBootMedia')
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('ConfigMgr', 'SCCM', 'MECM', 'TaskSequence', 'BootMedia', 'ISO', 'USB', 'WinPE', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/CmTsMedia/CmTsMedia'
            LicenseUri   = 'https://github.com/CmTsMedia/CmTsMedia/blob/main/LICENSE'
            # npm run build writes the CHANGELOG.md section of this version here (build/release-notes.mjs).
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
