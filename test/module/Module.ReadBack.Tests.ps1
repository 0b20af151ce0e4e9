#Requires -Modules Pester
# Test-CMBootMedia and the CMBootMedia DSC resource against the REAL engine (docs/readback.md,
# docs/readback.md, docs/dsc.md): ISO, disk image and mounted-volume media made by New-CMBootMedia
# read back with and without the media password, a damaged boot.wim, staleness against a site
# catalog, the pipeline, -Quiet, typed errors; the DSC class's Get/Test/Set called directly
# (PSDesiredStateConfiguration is not installable here).

BeforeDiscovery {
    # -Skip is decided at discovery: a FAT32 volume is mounted with fusefat, which needs root
    $haveWimtools = [bool](Get-Command wimcapture -ErrorAction SilentlyContinue) -and [bool](Get-Command wimextract -ErrorAction SilentlyContinue)
    $canMount = (-not $IsWindows) -and ((& id -u) -eq '0') -and [bool](Get-Command fusefat -ErrorAction SilentlyContinue) -and [bool](Get-Command mkfs.fat -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    $script:savedState = $env:CMTSMEDIA_STATE_DIR
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $script:password = ConvertTo-SecureString 'Read-Back-Pw1' -AsPlainText -Force
    $script:demo = Join-Path $script:module.ModuleBase 'module/Demo'

    function New-TestSite([string] $Name, [int] $SourceVersion = 1) {
        $site = Join-Path $TestDrive $Name
        Copy-Item -LiteralPath $script:demo -Destination $site -Recurse
        $catalog = Get-Content -LiteralPath (Join-Path $site 'site.json') -Raw | ConvertFrom-Json
        $catalog.bootImages[0].sourceVersion = $SourceVersion
        $catalog | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath (Join-Path $site 'site.json')
        Join-Path $site 'site.json'
    }

    $script:iso = Join-Path $TestDrive 'media.iso'
    $script:created = New-CMBootMedia -Demo -MediaType CD -DestinationPath $script:iso -MediaPassword $script:password -MediaLabel 'PS1 Read Back' -WarningAction SilentlyContinue -ErrorAction Stop
}

AfterAll {
    $env:CMTSMEDIA_STATE_DIR = $script:savedState
}

Describe 'Test-CMBootMedia' {
    It 'returns a valid CmTsMedia.BootMediaInfo with the facts of the creation result when given the password' {
        $info = Test-CMBootMedia -Path $script:iso -MediaPassword $script:password
        $info.PSObject.TypeNames | Should -Contain 'CmTsMedia.BootMediaInfo'
        $info.IsValid | Should -BeTrue
        @($info.Problems).Count | Should -Be 0
        $info.SiteCode | Should -Be 'PS1'
        $info.BootImageId | Should -Be $script:created.BootImageId
        $info.BootImageVersion | Should -Be 1
        $info.MediaGuid | Should -Be $script:created.MediaGuid
        $info.CertificateThumbprint | Should -Be $script:created.CertificateThumbprint
        $info.CertificateNotAfter | Should -Be $script:created.CertificateNotAfter
        $info.Label | Should -Be 'PS1 Read Back'
        $info.MediaType | Should -Be 'CD'
        $info.PasswordProtected | Should -BeTrue
        $info.BiosBootable | Should -BeTrue
        $info.UefiBootable | Should -BeTrue
        $info.FilesVerified | Should -BeGreaterThan 8
        ($info | Out-String) | Should -Match 'FilesVerified\s*:\s*\d+'
    }

    It 'reports password-protected media without the password, and a wrong password as a problem, not an error' {
        $info = Test-CMBootMedia -Path $script:iso
        $info.PasswordProtected | Should -BeTrue
        $info.MediaGuid | Should -BeNullOrEmpty
        $info.IsValid | Should -BeTrue
        $wrong = Test-CMBootMedia -Path $script:iso -MediaPassword (ConvertTo-SecureString 'not-it' -AsPlainText -Force) -ErrorAction Stop
        $wrong.IsValid | Should -BeFalse
        $wrong.Problems | Should -Be @('The media password given does not open SMS\data\Variables.dat.')
    }

    It 'finds one changed byte inside sources\boot.wim and names the file' {
        $copy = Join-Path $TestDrive 'damaged.iso'
        Copy-Item -LiteralPath $script:iso -Destination $copy
        $bytes = [System.IO.File]::ReadAllBytes($copy)
        $wim = [System.IO.File]::ReadAllBytes((Join-Path $script:demo 'content/dp01/PS100005/boot.PS100005.wim'))
        # the WIM's bytes are on the ISO unchanged: find them and flip one in the middle
        $needle = [System.BitConverter]::ToString($wim, 0, 64)
        $haystack = [System.BitConverter]::ToString($bytes)
        $at = $haystack.IndexOf($needle) / 3
        $at | Should -BeGreaterThan 0
        $bytes[$at + [int]($wim.Length / 2)] = $bytes[$at + [int]($wim.Length / 2)] -bxor 0x01
        [System.IO.File]::WriteAllBytes($copy, $bytes)
        $info = Test-CMBootMedia -Path $copy -MediaPassword $script:password
        $info.IsValid | Should -BeFalse
        @($info.Problems).Count | Should -Be 1
        $info.Problems[0] | Should -BeLike 'sources\boot.wim differs from what was written*'
    }

    It 'says what is stale against a site catalog: a newer boot image version, a certificate inside the renewal window' {
        (Test-CMBootMedia -Path $script:iso -SiteCatalog (Join-Path $script:demo 'site.json')).Problems | Should -BeNullOrEmpty
        $moved = New-TestSite -Name 'site-v2' -SourceVersion 2
        $stale = Test-CMBootMedia -Path $script:iso -SiteCatalog $moved
        $stale.IsValid | Should -BeFalse
        $stale.Problems | Should -Be @("Boot image PS100005 on the media is source version 1; site PS1 ($moved) has version 2.")

        $short = Join-Path $TestDrive 'short-cert.iso'
        $null = New-CMBootMedia -Demo -MediaType CD -DestinationPath $short -CertificateValidEnd (Get-Date).AddDays(10) -WarningAction SilentlyContinue -ErrorAction Stop
        $due = Test-CMBootMedia -Path $short -SiteCatalog (Join-Path $script:demo 'site.json')
        $due.IsValid | Should -BeFalse
        $due.Problems[0] | Should -Match '^The media certificate expires on .*, in 1?\d days: within the renewal window of 30 days\.$'
        (Test-CMBootMedia -Path $short -SiteCatalog (Join-Path $script:demo 'site.json') -CertificateRenewal (New-TimeSpan -Days 5)).IsValid | Should -BeTrue
    }

    It 'takes files from the pipeline, and -Quiet returns only booleans (false for what cannot be read)' {
        Set-Content -LiteralPath (Join-Path $TestDrive 'not-media.iso') -Value 'hello'
        $answers = @(Get-ChildItem -LiteralPath $TestDrive -Filter '*.iso' | Sort-Object Name | Test-CMBootMedia -Quiet)
        $names = @(Get-ChildItem -LiteralPath $TestDrive -Filter '*.iso' | Sort-Object Name | ForEach-Object Name)
        $answers.Count | Should -Be $names.Count
        $answers | ForEach-Object { $_ | Should -BeOfType [bool] }
        $answers[$names.IndexOf('not-media.iso')] | Should -BeFalse
        $answers[$names.IndexOf('media.iso')] | Should -BeTrue
        $script:created | Test-CMBootMedia -Quiet | Should -BeTrue
    }

    It 'gives a typed error for what is not boot media' {
        Set-Content -LiteralPath (Join-Path $TestDrive 'junk.img') -Value ('x' * 4096)
        { Test-CMBootMedia -Path (Join-Path $TestDrive 'junk.img') -ErrorAction Stop } | Should -Throw -ExceptionType ([CmTsMedia.MediaUnreadableException])
        $err = $null
        $null = Test-CMBootMedia -Path (Join-Path $TestDrive 'junk.img') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CMTSMEDIA_E_MEDIAUNREADABLE,*'
        $err[0].TargetObject | Should -Be (Join-Path $TestDrive 'junk.img')
    }

    It 'passes Windows disk paths as they are, a drive letter as its root, the password as a SecureString, the renewal in seconds' {
        Mock -ModuleName CmTsMedia Invoke-CmTsEngine { [pscustomobject]@{ Result = [pscustomobject]@{ path = 'p'; isValid = $true }; ErrorRecord = $null; OperationId = $null } }
        $null = Test-CMBootMedia -Path '\\.\PhysicalDrive3' -MediaPassword $script:password -CertificateRenewal (New-TimeSpan -Days 2)
        Should -Invoke -ModuleName CmTsMedia Invoke-CmTsEngine -Times 1 -Exactly -ParameterFilter {
            $Command -eq 'inspectMedia' -and $Params.path -eq '\\.\PhysicalDrive3' -and $Params.mediaPassword -is [System.Security.SecureString] -and $Params.certificateRenewalSeconds -eq 172800
        }
        $null = Test-CMBootMedia -Path 'E:'
        Should -Invoke -ModuleName CmTsMedia Invoke-CmTsEngine -ParameterFilter { $Params.path -eq 'E:\' -and -not $Params.ContainsKey('mediaPassword') }
    }

    It 'reads a UFD+FORMAT disk image' {
        $image = Join-Path $TestDrive 'disk.img'
        $made = New-CMBootMedia -Demo -MediaType 'UFD+FORMAT' -DestinationPath $image -ImageSize 64MB -MediaPassword $script:password -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop
        $info = Test-CMBootMedia -Path $image -MediaPassword $script:password
        $info.IsValid | Should -BeTrue
        $info.MediaType | Should -Be 'UFD+FORMAT'
        $info.MediaGuid | Should -Be $made.MediaGuid
        $info.CertificateThumbprint | Should -Be $made.CertificateThumbprint
    }

    It 'verifies a boot image over 1 MiB, which the engine hashes while writing it' -Skip:(-not $haveWimtools) {
        $site = New-TestSite -Name 'site-4mib'
        $tree = Join-Path $TestDrive 'wim-4mib'
        $null = & wimextract (Join-Path $script:demo 'content/dp01/PS100005/boot.PS100005.wim') 1 /Windows "--dest-dir=$tree" 2>&1
        $random = New-Object System.Random 17
        $payload = New-Object byte[] (4MB + 123)
        $random.NextBytes($payload)
        [System.IO.File]::WriteAllBytes((Join-Path $tree 'payload.bin'), $payload)
        $wim = Join-Path (Split-Path $site -Parent) 'content/dp01/PS100005/boot.PS100005.wim'
        Remove-Item -LiteralPath $wim
        $null = & wimcapture $tree $wim 'CmTsMedia test boot image (x64)' --boot --compress=none --image-property WINDOWS/ARCH=9 2>&1
        $LASTEXITCODE | Should -Be 0
        $iso = Join-Path $TestDrive 'large.iso'
        $null = New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100005 -SiteCatalog $site -WarningAction SilentlyContinue -ErrorAction Stop
        $info = Test-CMBootMedia -Path $iso -SiteCatalog $site
        $info.IsValid | Should -BeTrue
        $info.Problems | Should -BeNullOrEmpty
    }

    It 'reads a mounted volume with UFD media' -Skip:(-not $canMount) {
        $image = Join-Path $TestDrive 'vol.img'
        $mount = Join-Path $TestDrive 'mnt'
        & truncate -s 64M $image
        $null = & mkfs.fat -F 32 $image 2>&1
        $null = New-Item -ItemType Directory -Path $mount
        $null = & fusefat -o "rw+,fsname=$image" $image $mount 2>&1
        try {
            $made = New-CMBootMedia -Demo -MediaType UFD -DestinationPath $mount -MediaPassword $script:password -WarningAction SilentlyContinue -ErrorAction Stop
            $info = Test-CMBootMedia -Path $mount -MediaPassword $script:password
            $info.IsValid | Should -BeTrue
            $info.MediaType | Should -Be 'UFD'
            $info.MediaGuid | Should -Be $made.MediaGuid
            $info.SiteCode | Should -Be 'PS1'
        }
        finally {
            & fusermount -u $mount
        }
    }
}

Describe 'The CMBootMedia DSC resource' {
    BeforeAll {
        $script:resourceType = & $script:module { [CMBootMedia] }
        function New-Resource([string] $Path, [string] $Catalog) {
            $r = $script:resourceType::new()
            $r.DestinationPath = $Path
            $r.MediaType = 'CD'
            $r.BootImageId = 'PS100005'
            $r.SiteCatalog = $Catalog
            $r.MediaPassword = New-Object System.Management.Automation.PSCredential ('media', $script:password)
            $r
        }
    }

    It 'is exported as a DSC resource and is a class with the DSC attribute' {
        (Import-PowerShellDataFile -LiteralPath (Get-TestModuleManifest)).DscResourcesToExport | Should -Be @('CMBootMedia')
        @($script:resourceType.GetCustomAttributes($true) | ForEach-Object { $_.GetType().FullName }) | Should -Contain 'System.Management.Automation.DscResourceAttribute'
    }

    It 'Test() is false for missing media, Set() makes them, then Test() is true and Get() reports them' {
        $catalog = New-TestSite -Name 'dsc-site' -SourceVersion 1
        $r = New-Resource -Path (Join-Path $TestDrive 'dsc.iso') -Catalog $catalog
        $r.Test() | Should -BeFalse
        $r.Get().Ensure | Should -Be 'Absent'
        $r.Set()
        Test-Path -LiteralPath $r.DestinationPath | Should -BeTrue
        $r.Test() | Should -BeTrue
        $state = $r.Get()
        $state.Ensure | Should -Be 'Present'
        $state.IsValid | Should -BeTrue
        $state.BootImageVersion | Should -Be '1'
        $state.MediaGuid | Should -Match '^[0-9A-F]{8}-'
        $script:firstGuid = $state.MediaGuid
        $script:dscCatalog = $catalog
    }

    It 'after the catalog''s boot image version changes Test() is false, and Set() remakes the media' {
        $r = New-Resource -Path (Join-Path $TestDrive 'dsc.iso') -Catalog $script:dscCatalog
        $catalog = Get-Content -LiteralPath $script:dscCatalog -Raw | ConvertFrom-Json
        $catalog.bootImages[0].sourceVersion = 2
        $catalog | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $script:dscCatalog
        $r.Test() | Should -BeFalse
        $r.Get().Problems | Should -Match 'source version 1; site PS1 .* has version 2'
        $r.Set()
        $r.Test() | Should -BeTrue
        $state = $r.Get()
        $state.BootImageVersion | Should -Be '2'
        $state.MediaGuid | Should -Not -Be $script:firstGuid
    }

    It 'a different media password makes Test() false; Ensure Absent removes a CD image' {
        $r = New-Resource -Path (Join-Path $TestDrive 'dsc.iso') -Catalog $script:dscCatalog
        $r.MediaPassword = New-Object System.Management.Automation.PSCredential ('media', (ConvertTo-SecureString 'Another-Pw-2' -AsPlainText -Force))
        $r.Test() | Should -BeFalse
        $r.Ensure = 'Absent'
        $r.Test() | Should -BeFalse
        $r.Set()
        Test-Path -LiteralPath $r.DestinationPath | Should -BeFalse
        $r.Test() | Should -BeTrue
    }
}
