#Requires -Modules Pester
# New-CMBootMedia with the console media wizard's options, against the REAL engine, from a boot image
# laid out as a real Windows PE boot.wim (test/fixtures/winpe) in a schema version 2 site: the default
# label, the result's Certificate and Firmware, -MediaMode / -ManagementPoint / -AllowUnknownMachine /
# -AllowUnattended / -PrestartCommand / -PrestartFolder / -NoPrompt / -BootEx, and the warning that
# names a firmware the media will not boot. The media are read back with xorriso and Variables.dat with
# test/engine/mediavars/pxethief-read.py (a reader written from the public PXEThief description).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    $script:saved = $env:CMTSMEDIA_STATE_DIR
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:reader = Join-Path $repo 'test/engine/mediavars/pxethief-read.py'
    $script:skip = -not ((Get-Command xorriso -ErrorAction SilentlyContinue) -and (Get-Command python3 -ErrorAction SilentlyContinue) -and (Get-Command wimupdate -ErrorAction SilentlyContinue))

    # A copy of the demo site as schema version 2, with the real-layout WIM as PS100005.
    $site = Join-Path $TestDrive 'site'
    Copy-Item -LiteralPath (Join-Path $script:module.ModuleBase 'module/Demo') -Destination $site -Recurse
    $wim = Join-Path $site 'content/dp01/PS100005/boot.PS100005.wim'
    Copy-Item -LiteralPath (Join-Path $repo 'test/fixtures/winpe/winpe-x64.wim') -Destination $wim -Force
    $catalog = Get-Content -LiteralPath (Join-Path $site 'site.json') -Raw | ConvertFrom-Json -AsHashtable
    $catalog.Remove('extensions')
    $catalog.schemaVersion = 2
    $catalog.managementPoints[0].sslState = 0
    $catalog.managementPoints += @{ name = 'MP02.contoso.com'; url = 'http://MP02.contoso.com'; certificates = $catalog.managementPoints[0].certificates; sslState = 0 }
    $catalog.unknownMachines = @{ x64 = '51F5C5D4-4C22-4A39-9A61-8B5EE4B2C001'; x86 = '51F5C5D4-4C22-4A39-9A61-8B5EE4B2C002' }
    $catalog.trustedRootKey = '0602000000A40000525341310008000001000100'
    $script:catalog = Join-Path $site 'site.json'
    $catalog | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $script:catalog
    $script:mp1 = [string]$catalog.managementPoints[0].name
    $script:mp1Url = [string]$catalog.managementPoints[0].url

    # A copy of the WIM without UEFI files, as a second boot image of the same site.
    $noUefi = Join-Path $site 'content/dp01/PS100006/boot.PS100006.wim'
    $null = New-Item -ItemType Directory -Path (Split-Path $noUefi -Parent)
    Copy-Item -LiteralPath $wim -Destination $noUefi
    if (-not $script:skip) { "delete --recursive /Windows/Boot/DVD/EFI`ndelete --recursive /Windows/Boot/EFI`n" | & wimupdate $noUefi 1 | Out-Null }
    $catalog.bootImages += @{ packageId = 'PS100006'; name = 'No UEFI'; architecture = 'x64'; sourceVersion = 1; path = 'PS100006/boot.PS100006.wim'; distributionPoints = $catalog.bootImages[0].distributionPoints }
    $catalog | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $script:catalog

    function Get-IsoFile([string] $Iso, [string] $Path) {
        $out = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $null = & xorriso -osirrox on -indev $Iso -extract $Path $out 2>&1
        $out
    }
    function Read-MediaVariables([string] $Iso, [string] $Password) {
        $file = Get-IsoFile $Iso '/SMS/data/Variables.dat'
        & python3 $script:reader $file $Password | ConvertFrom-Json -AsHashtable
    }
    function Get-ElTorito([string] $Iso) {
        (& xorriso -indev $Iso -report_el_torito as_mkisofs 2>$null) -join "`n"
    }
}

AfterAll {
    $env:CMTSMEDIA_STATE_DIR = $script:saved
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'New-CMBootMedia: media as ConfigMgr makes them' {
    It 'labels media "Configuration Manager" by default and returns the certificate (public part) and the firmware' -Skip:$script:skip {
        $iso = Join-Path $TestDrive 'default.iso'
        $result = New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100005 -SiteCatalog $script:catalog -WarningAction SilentlyContinue -ErrorAction Stop
        $result.MediaLabel | Should -Be 'Configuration Manager'
        Get-Content -LiteralPath (Get-IsoFile $iso '/MediaLabel.txt') -Raw | Should -Be "label=Configuration Manager`r`n"
        $result.Firmware | Should -Be @('BIOS', 'UEFI')
        $result.Certificate | Should -BeOfType ([System.Security.Cryptography.X509Certificates.X509Certificate2])
        $result.Certificate.Thumbprint | Should -Be $result.CertificateThumbprint
        $result.Certificate.HasPrivateKey | Should -BeFalse
        (Read-MediaVariables $iso '')['SMSTSMP'] | Should -Be $script:mp1Url
    }

    It 'refuses a blank -MediaLabel with a typed error and writes nothing' -Skip:$script:skip {
        $iso = Join-Path $TestDrive 'blank.iso'
        { New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100005 -SiteCatalog $script:catalog -MediaLabel '   ' -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ExceptionType ([CmTsMedia.InvalidArgumentException]) -ExpectedMessage '*MediaLabel is empty*'
        Test-Path -LiteralPath $iso | Should -BeFalse
    }

    It 'refuses a destination inside -PrestartFolder or hard-linked to one of its files, before writing anything' {
        # The engine compares by device and inode (engine/src/output/inputs.ts); on Windows a hard link is fsutil's.
        $prestart = Join-Path $TestDrive 'prestart-refused'
        $null = New-Item -ItemType Directory -Path $prestart
        $setup = Join-Path $prestart 'setup.cmd'
        Set-Content -LiteralPath $setup -Value '@echo prestart'
        $inside = Join-Path $prestart 'media.iso'
        $linked = Join-Path $TestDrive 'setup-link.iso'
        $null = New-Item -ItemType HardLink -Path $linked -Target $setup
        foreach ($destination in $inside, $linked) {
            $err = { New-CMBootMedia -MediaType CD -DestinationPath $destination -BootImageId PS100005 -SiteCatalog $script:catalog -PreExecCommandLine 'setup.cmd' `
                    -PrestartFolder $prestart -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception | Should -BeOfType ([type]'CmTsMedia.InvalidArgumentException')
            $err.FullyQualifiedErrorId | Should -Be 'E_INVALIDARG,New-CMBootMedia'
            $err.Exception.Message | Should -BeLike "Invalid argument: -DestinationPath $destination * the prestart folder (-PrestartFolder) $prestart, whose files go onto the media; choose *"
        }
        Test-Path -LiteralPath $inside | Should -BeFalse
        Get-Content -LiteralPath $linked -Raw | Should -Be "@echo prestart$([Environment]::NewLine)"
        @(Get-ChildItem -LiteralPath $prestart -Recurse -Force).Name | Should -Be @('setup.cmd')
    }

    It 'makes dynamic, unattended, password-protected media for unknown computers with a prestart command' -Skip:$script:skip {
        $iso = Join-Path $TestDrive 'dynamic.iso'
        $prestart = Join-Path $TestDrive 'prestart'
        $null = New-Item -ItemType Directory -Path $prestart
        Set-Content -LiteralPath (Join-Path $prestart 'prestart.cmd') -Value '@echo prestart'
        $password = ConvertTo-SecureString 'Dyn-Pass-1' -AsPlainText -Force
        $null = New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100005 -SiteCatalog $script:catalog -MediaMode Dynamic `
            -ManagementPoint 'MP02.contoso.com', $script:mp1 -AllowUnknownMachine -AllowUnattended -MediaPassword $password `
            -PreExecCommandLine 'cmd /c prestart.cmd' -PrestartFolder $prestart -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $vars = Read-MediaVariables $iso 'Dyn-Pass-1'
        $vars['SMSTSLocationMPs'] | Should -Be ('http://MP02.contoso.com*' + $script:mp1Url)
        $vars.ContainsKey('SMSTSMP') | Should -BeFalse
        $vars['_SMSTSx64UnknownMachineGUID'] | Should -Be '51F5C5D4-4C22-4A39-9A61-8B5EE4B2C001'
        $vars['_SMSTSPreExecCommandLine'] | Should -Be 'cmd /c prestart.cmd'
        Get-Content -LiteralPath (Get-IsoFile $iso '/SMS/data/TsmBootstrap.ini') -Raw | Should -Match 'PasswordRequired=true\r\nUnattended=true'
        Test-Path -LiteralPath (Get-IsoFile $iso '/SMS/PKG/PRESTART/prestart.cmd') | Should -BeTrue
        ($warnings -join ' ') | Should -BeLike '*prestart command is not public*'
    }

    It '-NoPrompt -BootEx put the 2023-signed no-prompt image in the UEFI El Torito entry' -Skip:$script:skip {
        $iso = Join-Path $TestDrive 'bootex.iso'
        $null = New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100005 -SiteCatalog $script:catalog -NoPrompt -BootEx -WarningAction SilentlyContinue -ErrorAction Stop
        Get-ElTorito $iso | Should -Match "(?m)^-e '/efi/microsoft/boot/efisys_noprompt_EX\.bin'"
    }

    It 'warns, naming UEFI, when the boot image has no UEFI boot files, and the job result says BIOS only' -Skip:$script:skip {
        $iso = Join-Path $TestDrive 'bios-only.iso'
        $job = New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100006 -SiteCatalog $script:catalog -AsJob
        $result = $job | Wait-Job | Receive-Job -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $result.Firmware | Should -Be @('BIOS')
        ($warnings -join ' ') | Should -BeLike '*will not boot on UEFI firmware*bootmgfw.efi*'
        Get-ElTorito $iso | Should -Not -Match "(?m)^-e "
        $job | Remove-Job
    }
}

Describe 'New-CMBootMedia -WhatIf checks before acting (real engine)' {
    It 'reports MISSINGPACKAGE for a boot image on no distribution point, and writes nothing' {
        $site = Split-Path $script:catalog -Parent
        $catalog = Get-Content -LiteralPath $script:catalog -Raw | ConvertFrom-Json -AsHashtable
        $catalog.bootImages += @{ packageId = 'PS100007'; name = 'Not distributed'; architecture = 'x64'; sourceVersion = 1; path = 'PS100007/boot.PS100007.wim'; distributionPoints = $catalog.bootImages[0].distributionPoints }
        $path = Join-Path $site 'site-whatif.json'
        $catalog | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $path
        $iso = Join-Path $TestDrive 'whatif.iso'
        $before = @(Get-ChildItem -LiteralPath (Join-Path $env:CMTSMEDIA_STATE_DIR 'operations') -ErrorAction SilentlyContinue).Count
        New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100007 -SiteCatalog $path -WhatIf -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[-1].Exception | Should -BeOfType ([CmTsMedia.MissingPackageException])
        $failure[-1].Exception.ErrorDetail | Should -Be 'PS100007'
        Test-Path -LiteralPath $iso | Should -BeFalse
        @(Get-ChildItem -LiteralPath (Join-Path $env:CMTSMEDIA_STATE_DIR 'operations') -ErrorAction SilentlyContinue).Count | Should -Be $before
    }

    It 'says what it would write, with the size, for media that can be made' -Skip:$script:skip {
        $iso = Join-Path $TestDrive 'whatif-ok.iso'
        # "What if:" goes to the host: run the command in a pwsh of its own and read what it prints.
        $command = "Import-Module '{0}'; New-CMBootMedia -MediaType CD -DestinationPath '{1}' -BootImageId PS100005 -SiteCatalog '{2}' -WhatIf -WarningAction SilentlyContinue -ErrorAction Stop" -f (Get-TestModuleManifest), $iso, $script:catalog
        $lines = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $command 2>&1
        ($lines -join ' ') | Should -BeLike "*What if: Create CD boot media from boot image PS100005. The media (*MiB) will be written to $iso.*"
        Test-Path -LiteralPath $iso | Should -BeFalse
    }
}
