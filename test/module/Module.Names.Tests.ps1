#Requires -Modules Pester
# docs/module.md "Microsoft's names": CmTsMedia lives beside Microsoft's ConfigurationManager module and speaks its names.
# - A stand-in ConfigurationManager module (written to TestDrive: a manifest and a psm1 exporting the
#   Microsoft command names a console machine has, with Microsoft's parameter names) is imported before
#   and after CmTsMedia; every command of each resolves to its own module.
# - -MediaType takes any case and Microsoft's CdDvd / Usb (+ -FormatMedia), normalised before the engine
#   sees it; -CertificateStartTime / -CertificateExpireTime are aliases. The engine is mocked for the
#   mapping table and real for "cd and CdDvd create an ISO" and "-CertificateExpireTime sets NotAfter".

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:manifest = Get-TestModuleManifest
    Set-TestEnvironment -StateDir (Join-Path $TestDrive 'state')

    # Microsoft's ConfigurationManager cmdlets around boot images and media (docs.microsoft.com,
    # sccm-docs-powershell-ref), with the parameters that differ from ours.
    $script:microsoft = @(
        @{ Name = 'Get-CMBootImage'; Params = '[string] $Name, [string] $Id' }
        @{ Name = 'New-CMBootImage'; Params = '[string] $Path, [string] $Name, [int] $Index' }
        @{ Name = 'Set-CMBootImage'; Params = '[string] $Id, [switch] $EnableCommandSupport' }
        @{ Name = 'Remove-CMBootImage'; Params = '[string] $Id, [switch] $Force' }
        @{ Name = 'New-CMBootableMedia'; Params = '[ValidateSet(''Usb'', ''CdDvd'')] [string] $MediaType, [object] $BootImage, [datetime] $CertificateExpireTime' }
        @{ Name = 'New-CMStandaloneMedia'; Params = '[string] $MediaType, [string] $Path' }
        @{ Name = 'New-CMCaptureMedia'; Params = '[string] $MediaType, [string] $Path' }
        @{ Name = 'New-CMPrestageMedia'; Params = '[string] $Path' }
        @{ Name = 'Get-CMDistributionPoint'; Params = '[string] $SiteSystemServerName' }
        @{ Name = 'Get-CMManagementPoint'; Params = '[string] $SiteSystemServerName' }
        @{ Name = 'Get-CMPackage'; Params = '[string] $Id' }
    )
    $folder = Join-Path $TestDrive 'ConfigurationManager'
    $null = New-Item -ItemType Directory -Path $folder
    $functions = foreach ($command in $script:microsoft) {
        "function {0} {{ [CmdletBinding()] param({1}) 'ConfigurationManager stand-in: {0}' }}" -f $command.Name, $command.Params
    }
    Set-Content -LiteralPath (Join-Path $folder 'ConfigurationManager.psm1') -Value $functions
    New-ModuleManifest -Path (Join-Path $folder 'ConfigurationManager.psd1') -RootModule 'ConfigurationManager.psm1' `
        -FunctionsToExport @($script:microsoft.Name) -CmdletsToExport @() -AliasesToExport @() -VariablesToExport @()
    $script:standIn = Join-Path $folder 'ConfigurationManager.psd1'

    function Assert-NothingShadowed {
        $ours = @((Get-Module CmTsMedia).ExportedCommands.Keys)
        $ours | Should -Contain 'Get-CMBootMediaImage'
        foreach ($name in $ours) { (Get-Command -Name $name).Source | Should -Be 'CmTsMedia' -Because $name }
        foreach ($name in $script:microsoft.Name) {
            (Get-Command -Name $name).Source | Should -Be 'ConfigurationManager' -Because $name
            $ours | Should -Not -Contain $name
        }
        Get-CMBootImage -Id PS100005 | Should -Be 'ConfigurationManager stand-in: Get-CMBootImage'
        (Get-CMBootMediaImage -Demo).PackageID | Should -Be 'PS100005'
        Get-Command -Name 'Get-CMBootImage' -Module CmTsMedia -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Alias -Name 'Get-CMBootImage' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

AfterAll {
    Remove-Module CmTsMedia, ConfigurationManager -Force -ErrorAction SilentlyContinue
    Restore-TestEnvironment
}

Describe 'Beside Microsoft''s ConfigurationManager module' {
    AfterEach { Remove-Module CmTsMedia, ConfigurationManager -Force -ErrorAction SilentlyContinue }

    It 'shadows nothing when Microsoft''s module is imported first' {
        Import-Module $script:standIn -ErrorAction Stop
        Import-Module $script:manifest -ErrorAction Stop
        Assert-NothingShadowed
    }

    It 'shadows nothing when Microsoft''s module is imported second' {
        Import-Module $script:manifest -ErrorAction Stop
        Import-Module $script:standIn -ErrorAction Stop
        Assert-NothingShadowed
    }
}

Describe 'Microsoft''s parameter names and values' {
    BeforeAll { Import-Module $script:manifest -Force -ErrorAction Stop }

    Context 'with the engine mocked' {
        BeforeAll {
            Mock -ModuleName CmTsMedia Invoke-CmTsEngine {
                # The check before a UFD+FORMAT creation: a new disk image file, which erases nothing.
                if ($Command -eq 'checkBootMedia') {
                    return [pscustomobject]@{ ErrorRecord = $null; OperationId = $null; Result = [pscustomobject]@{ destination = 'a new 64.0 MiB disk image file'; erases = $false; sizeBytes = 1048576 } }
                }
                [pscustomobject]@{ ErrorRecord = $null; OperationId = 'op'; Result = [pscustomobject]@{
                        operationId = 'op'; mediaType = $Params.mediaType; destinationPath = $Params.destinationPath; bootImageId = 'PS100005'; durationMs = 0
                    } }
            }
        }

        It '-MediaType <Typed> (-FormatMedia: <Format>) reaches the engine as <Engine>' -ForEach @(
            @{ Typed = 'cd'; Format = $false; Engine = 'CD' }
            @{ Typed = 'CdDvd'; Format = $false; Engine = 'CD' }
            @{ Typed = 'cddvd'; Format = $false; Engine = 'CD' }
            @{ Typed = 'ufd'; Format = $false; Engine = 'UFD' }
            @{ Typed = 'Usb'; Format = $false; Engine = 'UFD' }
            @{ Typed = 'Usb'; Format = $true; Engine = 'UFD+FORMAT' }
            @{ Typed = 'UFD'; Format = $true; Engine = 'UFD+FORMAT' }
            @{ Typed = 'ufd+format'; Format = $false; Engine = 'UFD+FORMAT' }
        ) {
            $result = New-CMBootMedia -Demo -MediaType $Typed -FormatMedia:$Format -DestinationPath (Join-Path $TestDrive 'm.img') -ImageSize 64MB -Confirm:$false
            $result.MediaType | Should -Be $Engine
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Scope It -Times 1 -Exactly -ParameterFilter {
                $Command -eq 'createBootMedia' -and $Params.mediaType -ceq $Engine
            }
        }

        It 'refuses -FormatMedia with a CD, naming both parameters, before the engine runs' {
            $err = { New-CMBootMedia -Demo -MediaType CdDvd -FormatMedia -DestinationPath x.iso -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception | Should -BeOfType ([type]'CmTsMedia.InvalidArgumentException')
            $err.FullyQualifiedErrorId | Should -Be 'E_INVALIDARG,New-CMBootMedia'
            $err.Exception.Message | Should -Match '-FormatMedia applies to USB media'
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Scope It -Times 0 -Exactly
        }

        It 'takes -CertificateStartTime and -CertificateExpireTime for the validity' {
            $start = [datetime]::new(2027, 1, 1, 0, 0, 0, [System.DateTimeKind]::Utc)
            $null = New-CMBootMedia -Demo -MediaType cd -DestinationPath x.iso -CertificateStartTime $start -CertificateExpireTime $start.AddDays(90)
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Scope It -Times 1 -Exactly -ParameterFilter {
                $Params.certificateValidStart -eq $start -and $Params.certificateValidEnd -eq $start.AddDays(90)
            }
        }
    }

    Context 'with the real engine' {
        It 'creates an ISO with -MediaType <Typed>' -ForEach @(@{ Typed = 'cd' }, @{ Typed = 'CdDvd' }) {
            $destination = Join-Path $TestDrive "$Typed.iso"
            $result = New-CMBootMedia -Demo -MediaType $Typed -DestinationPath $destination -WarningAction SilentlyContinue -ErrorAction Stop
            $result.MediaType | Should -Be 'CD'
            # ISO 9660 primary volume descriptor at sector 16: type 1, "CD001" (ECMA-119 8.4).
            $stream = [System.IO.File]::OpenRead($destination)
            try {
                $bytes = New-Object byte[] 6
                $null = $stream.Seek(16 * 2048, 'Begin')
                $null = $stream.Read($bytes, 0, 6)
            }
            finally { $stream.Dispose() }
            [System.Text.Encoding]::ASCII.GetString($bytes, 1, 5) | Should -Be 'CD001'
            $bytes[0] | Should -Be 1
        }

        It 'sets the media certificate''s NotAfter from -CertificateExpireTime' {
            $expire = [datetime]::new(2030, 6, 30, 12, 0, 0, [System.DateTimeKind]::Utc)
            $result = New-CMBootMedia -Demo -MediaType CdDvd -DestinationPath (Join-Path $TestDrive 'expire.iso') `
                -CertificateStartTime $expire.AddDays(-30) -CertificateExpireTime $expire -WarningAction SilentlyContinue -ErrorAction Stop
            $result.CertificateNotAfter.ToUniversalTime() | Should -Be $expire
        }
    }
}

Describe 'Messages name the parameters the user typed' {
    BeforeAll { Import-Module $script:manifest -Force -ErrorAction Stop }

    It 'says -ImageSize, not imageSizeBytes, when a new disk image has no size (real engine)' {
        $err = { New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath (Join-Path $TestDrive 'new.img') -Force -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'E_INVALIDARG,New-CMBootMedia'
        $err.Exception.Message | Should -Match 'give the size of the new disk image \(-ImageSize\)'
        $err.Exception.Message | Should -Not -Match 'imageSizeBytes'
    }

    It 'translates every engine parameter name in an engine message: <Engine>' -ForEach @(
        @{ Engine = 'parameter imageSizeBytes must be a whole number of at least 0'; Shown = 'parameter -ImageSize must be' }
        @{ Engine = 'parameter certificateValidEnd must be an ISO 8601 date and time'; Shown = 'parameter -CertificateValidEnd must be' }
        @{ Engine = 'parameter variables.OSDComputerName must be a string'; Shown = 'parameter -Variable.OSDComputerName must be' }
        @{ Engine = 'destinationPath /x is a folder; give the path of the .iso file to create'; Shown = '-DestinationPath /x is a folder' }
        @{ Engine = 'parameter force must be true or false'; Shown = 'parameter -Force must be' }
    ) {
        $text = & (Get-Module CmTsMedia) { param($m) (New-CmTsErrorRecord -Code 'E_INVALIDARG' -Message $m).Exception.Message } "Invalid argument: $Engine"
        $text | Should -Match ([regex]::Escape($Shown))
        $text -cmatch '(?<![\w-])(imageSizeBytes|certificateValidEnd|destinationPath)\b' | Should -BeFalse
    }

    It 'keeps ordinary words: "force" and "variables" outside "parameter ..."' {
        $text = & (Get-Module CmTsMedia) { (New-CmTsErrorRecord -Code 'E_INVALIDARG' -Message 'Invalid argument: the media variables cannot force a reboot').Exception.Message }
        $text | Should -Match 'the media variables cannot force a reboot'
    }
}
