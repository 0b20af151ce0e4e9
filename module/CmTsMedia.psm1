# CmTsMedia: ConfigMgr task sequence boot media from PowerShell, backed by the cmtsmedia-engine
# executable (JSON lines over stdio, docs/protocol.md).
#
# Load order is explicit (no globbing): private helpers -> error table -> compiled types -> public
# commands -> argument completer.
# ModuleBase is the manifest's folder: the repository root in a source checkout, or
# dist/CmTsMedia/<version>/ in the shipped layout. Both hold module/ below it.
$script:ModuleBase = $ExecutionContext.SessionState.Module.ModuleBase
if (-not (Test-Path -LiteralPath ([System.IO.Path]::Combine($script:ModuleBase, 'module', 'CmTsMedia.psm1')))) {
    $script:ModuleBase = Split-Path -Path $PSScriptRoot -Parent
}
$script:ProtocolVersion = 1
$script:DemoBootImageId = 'PS100005'
$script:RequestCount = 0
# PowerShell 7.5+ can keep ISO 8601 strings as strings; see ConvertFrom-CmTsJson.
$script:JsonHasDateKind = (Get-Command -Name ConvertFrom-Json).Parameters.ContainsKey('DateKind')

$privateFiles = @(
    'Import-CmTsErrorTable.ps1'
    'New-CmTsExceptionSource.ps1'
    'ConvertTo-CmTsParameterText.ps1'
    'New-CmTsErrorRecord.ps1'
    'Get-CmTsErrorTarget.ps1'
    'ConvertFrom-CmTsJson.ps1'
    'ConvertFrom-CmTsDate.ps1'
    'ConvertFrom-CmTsHResult.ps1'
    'ConvertTo-CmTsRequestLine.ps1'
    'ConvertFrom-CmTsSecureString.ps1'
    'ConvertTo-CmTsBootMediaResult.ps1'
    'ConvertTo-CmTsBootMediaStatus.ps1'
    'ConvertTo-CmTsLocalTime.ps1'
    'ConvertTo-CmTsBootImage.ps1'
    'ConvertTo-CmTsBootMediaInfo.ps1'
    'ConvertTo-CmTsMediaType.ps1'
    'Get-CmTsRuntimeId.ps1'
    'Resolve-CmTsEnginePath.ps1'
    'Enable-CmTsExecutable.ps1'
    'Get-CmTsConfigPath.ps1'
    'Get-CmTsDemoCatalogPath.ps1'
    'Find-CmTsSiteCatalog.ps1'
    'Resolve-CmTsSiteCatalog.ps1'
    'Write-CmTsStream.ps1'
    'Get-CmTsEngineStderrReason.ps1'
    'Start-CmTsEngine.ps1'
    'Test-CmTsEngineAlive.ps1'
    'Stop-CmTsResidentEngine.ps1'
    'Get-CmTsEngine.ps1'
    'Complete-CmTsEngine.ps1'
    'Write-CmTsEngineEvent.ps1'
    'Invoke-CmTsEngine.ps1'
    'New-CmTsMediaRequest.ps1'
    'Confirm-CmTsMediaCreation.ps1'
    'Test-CmTsWindows.ps1'
    'Resolve-CmTsWindowsDisk.ps1'
    'ConvertTo-CmTsBusType.ps1'
    'Get-CmTsVolumeFacts.ps1'
    'Resolve-CmTsMediaTarget.ps1'
    'Start-CmTsMediaJob.ps1'
    'Invoke-CmTsMediaCreation.ps1'
    'Invoke-CmTsOfflineDisk.ps1'
    'Get-CmTsOperationRecord.ps1'
    'Get-CmTsRemovableDisk.ps1'
    'Get-CmTsBlockDeviceList.ps1'
    'Get-CmTsCachedCatalog.ps1'
    'Get-CmTsCatalogCompletion.ps1'
    'Register-CmTsArgumentCompleter.ps1'
    'Get-CmTsDscMediaState.ps1'
    'Set-CmTsDscMedia.ps1'
    'Write-CmTsCaughtError.ps1'
    'ConvertTo-CmTsSiteError.ps1'
    'Invoke-CmTsSiteRequest.ps1'
    'ConvertTo-CmTsSiteCredential.ps1'
    'ConvertFrom-CmTsCimError.ps1'
    'New-CmTsProviderSession.ps1'
    'Initialize-CmTsSiteAccess.ps1'
    'Open-CmTsProviderSession.ps1'
    'Get-CmTsManagementPointReplies.ps1'
    'Join-CmTsODataPages.ps1'
    'Get-CmTsAdminServiceReplies.ps1'
    'Get-CmTsCimReplies.ps1'
    'Read-CmTsProviderReplies.ps1'
    'ConvertTo-CmTsSiteCatalogSummary.ps1'
    'Resolve-CmTsMediaCertificate.ps1'
    'Get-CmTsCertificateInfo.ps1'
    'Invoke-CmTsCertificateRegistration.ps1'
    'Register-CmTsCreatedMedia.ps1'
)
$publicFiles = @(
    'New-CMBootMedia.ps1'
    'Get-CMBootMediaStatus.ps1'
    'Get-CMBootMediaImage.ps1'
    'Test-CMBootMedia.ps1'
    'Remove-CMBootMediaStatus.ps1'
    'New-CMBootMediaSiteCatalog.ps1'
    'Register-CMBootMediaCertificate.ps1'
)
foreach ($file in $privateFiles) { . ([System.IO.Path]::Combine($PSScriptRoot, 'Private', $file)) }

$script:ErrorRows = Import-CmTsErrorTable -ModuleBase $script:ModuleBase
$script:ErrorByCode = @{}
foreach ($row in $script:ErrorRows) { $script:ErrorByCode[$row.code] = $row }

# .NET types cannot be redefined in a session: compile once (a re-import or a job runspace reuses them).
if (-not ('CmTsMedia.CmTsMediaException' -as [type])) {
    $sources = @(New-CmTsExceptionSource -Rows $script:ErrorRows)
    foreach ($file in 'EngineProcess.cs', 'BootMediaJob.cs') {
        $sources += [System.IO.File]::ReadAllText([System.IO.Path]::Combine($PSScriptRoot, 'Types', $file), [System.Text.Encoding]::UTF8)
    }
    $references = @()
    if ($PSVersionTable.PSEdition -ne 'Core') {
        # Windows PowerShell compiles against .NET Framework: name the assemblies beyond mscorlib.
        $references = @('System.dll', 'System.Core.dll', ([System.Management.Automation.PSObject].Assembly.Location))
    }
    $addType = @{ TypeDefinition = ($sources -join [System.Environment]::NewLine); Language = 'CSharp' }
    if ($references.Count -gt 0) { $addType['ReferencedAssemblies'] = $references }
    Add-Type @addType -ErrorAction Stop
}

foreach ($file in $publicFiles) { . ([System.IO.Path]::Combine($PSScriptRoot, 'Public', $file)) }

Register-CmTsArgumentCompleter

# The class-based DSC resource CMBootMedia (docs/dsc.md). It lives in the root module
# because DSC finds class resources by parsing the root module; its logic is in Private/*-CmTsDsc*.ps1.
[DscResource()]
class CMBootMedia {
    [DscProperty(Key)] [string] $DestinationPath
    [DscProperty()] [ValidateSet('Present', 'Absent')] [string] $Ensure = 'Present'
    [DscProperty(Mandatory)] [ValidateSet('CD', 'UFD', 'UFD+FORMAT')] [string] $MediaType
    [DscProperty(Mandatory)] [string] $BootImageId
    [DscProperty()] [string] $SiteCatalog
    [DscProperty()] [pscredential] $MediaPassword
    [DscProperty()] [int] $CertificateRenewalDays = 30
    [DscProperty()] [string] $MediaLabel
    [DscProperty(NotConfigurable)] [bool] $IsValid
    [DscProperty(NotConfigurable)] [string[]] $Problems
    [DscProperty(NotConfigurable)] [string] $MediaGuid
    [DscProperty(NotConfigurable)] [string] $BootImageVersion
    [DscProperty(NotConfigurable)] [string] $CertificateThumbprint
    [DscProperty(NotConfigurable)] [string] $CertificateNotAfter

    [CMBootMedia] Get() {
        $state = Get-CmTsDscMediaState -Resource $this
        $current = [CMBootMedia]::new()
        foreach ($name in 'DestinationPath', 'MediaType', 'BootImageId', 'SiteCatalog', 'CertificateRenewalDays', 'MediaLabel') { $current.$name = $this.$name }
        $current.Ensure = 'Absent'
        if ($state.Exists) { $current.Ensure = 'Present' }
        $current.Problems = [string[]]@($state.Problems)
        $current.IsValid = $state.Exists -and $state.Problems.Count -eq 0
        if ($null -ne $state.Info) {
            $current.BootImageId = $state.Info.BootImageId
            $current.MediaLabel = $state.Info.Label
            $current.MediaGuid = $state.Info.MediaGuid
            $current.BootImageVersion = [string]$state.Info.BootImageVersion
            $current.CertificateThumbprint = $state.Info.CertificateThumbprint
            if ($null -ne $state.Info.CertificateNotAfter) { $current.CertificateNotAfter = $state.Info.CertificateNotAfter.ToString('o') }
        }
        return $current
    }

    [bool] Test() {
        $state = Get-CmTsDscMediaState -Resource $this
        if ($this.Ensure -eq 'Absent') { return -not $state.Exists }
        return $state.Exists -and $state.Problems.Count -eq 0
    }

    [void] Set() {
        Set-CmTsDscMedia -Resource $this
    }
}

Export-ModuleMember -Function 'New-CMBootMedia', 'Get-CMBootMediaStatus', 'Get-CMBootMediaImage', 'Test-CMBootMedia', 'Remove-CMBootMediaStatus', 'New-CMBootMediaSiteCatalog', 'Register-CMBootMediaCertificate'

# The session's resident engine (Get-CmTsEngine) ends with the module.
$ExecutionContext.SessionState.Module.OnRemove = { Stop-CmTsResidentEngine }
