#Requires -Modules Pester
# The parameter contract (docs/module.md, the commands' help): names, aliases, types, ValidateSet, pipeline binding,
# ShouldProcess. Pure metadata and binding checks: the engine is replaced by a mock where a call is made.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    Import-Module (Get-TestModuleManifest) -Force -ErrorAction Stop
    $script:new = Get-Command New-CMBootMedia
    $script:status = Get-Command Get-CMBootMediaStatus
}

AfterAll {
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'New-CMBootMedia parameters' {
    It '-<Name> is [<Type>] with aliases <Aliases>' -ForEach @(
        @{ Name = 'MediaType'; Type = 'string'; Aliases = @() }
        @{ Name = 'DestinationPath'; Type = 'string'; Aliases = @('Path', 'MediaPath') }
        @{ Name = 'BootImageId'; Type = 'string'; Aliases = @('PackageID') }
        @{ Name = 'MediaPassword'; Type = 'securestring'; Aliases = @() }
        @{ Name = 'CertificatePath'; Type = 'string'; Aliases = @('CertPath') }
        @{ Name = 'CertificatePassword'; Type = 'securestring'; Aliases = @('CertPassword') }
        @{ Name = 'CertificateValidStart'; Type = 'datetime'; Aliases = @('CertValidStart', 'CertificateStartTime') }
        @{ Name = 'CertificateValidEnd'; Type = 'datetime'; Aliases = @('CertValidEnd', 'CertificateExpireTime') }
        @{ Name = 'FormatMedia'; Type = 'switch'; Aliases = @() }
        @{ Name = 'SiteCatalog'; Type = 'string'; Aliases = @() }
        @{ Name = 'Demo'; Type = 'switch'; Aliases = @() }
        @{ Name = 'MediaLabel'; Type = 'string'; Aliases = @() }
        @{ Name = 'Variable'; Type = 'hashtable'; Aliases = @() }
        @{ Name = 'ConnectionOptions'; Type = 'hashtable'; Aliases = @() }
        @{ Name = 'Force'; Type = 'switch'; Aliases = @() }
        @{ Name = 'ImageSize'; Type = 'long'; Aliases = @() }
        @{ Name = 'AsJob'; Type = 'switch'; Aliases = @() }
        @{ Name = 'MediaMode'; Type = 'string'; Aliases = @() }
        @{ Name = 'ManagementPoint'; Type = 'string[]'; Aliases = @() }
        @{ Name = 'DistributionPoint'; Type = 'string'; Aliases = @() }
        @{ Name = 'AllowUnknownMachine'; Type = 'switch'; Aliases = @() }
        @{ Name = 'AllowUnattended'; Type = 'switch'; Aliases = @() }
        @{ Name = 'PrestartCommand'; Type = 'string'; Aliases = @('PreExecCommandLine') }
        @{ Name = 'PrestartFolder'; Type = 'string'; Aliases = @() }
        @{ Name = 'NoPrompt'; Type = 'switch'; Aliases = @() }
        @{ Name = 'BootEx'; Type = 'switch'; Aliases = @() }
    ) {
        $parameter = $script:new.Parameters[$Name]
        $parameter | Should -Not -BeNullOrEmpty
        $parameter.ParameterType | Should -Be ($Type -as [type])
        @($parameter.Aliases | Sort-Object) | Should -Be @($Aliases | Sort-Object)
    }

    It 'restricts -MediaType to CD, UFD, UFD+FORMAT and Microsoft''s CdDvd and Usb, ignoring case' {
        $set = $script:new.Parameters['MediaType'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        @($set.ValidValues) | Should -Be @('CD', 'UFD', 'UFD+FORMAT', 'CdDvd', 'Usb')
        $set.IgnoreCase | Should -BeTrue
        { New-CMBootMedia -MediaType DVD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,New-CMBootMedia'
    }

    It 'restricts -MediaMode to Static and Dynamic' {
        $set = $script:new.Parameters['MediaMode'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        @($set.ValidValues) | Should -Be @('Static', 'Dynamic')
    }

    It 'binds MediaType, DestinationPath and BootImageId by property name' {
        foreach ($name in 'MediaType', 'DestinationPath', 'BootImageId') {
            $bindings = $script:new.Parameters[$name].ParameterSets.Values
            @($bindings | Where-Object { -not $_.ValueFromPipelineByPropertyName }).Count | Should -Be 0 -Because $name
        }
    }

    It 'supports ShouldProcess with ConfirmImpact Medium' {
        $binding = $script:new.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.SupportsShouldProcess | Should -BeTrue
        $binding.ConfirmImpact | Should -Be 'Medium'
        $script:new.Parameters.Keys | Should -Contain 'WhatIf'
    }

    It 'requires -BootImageId with a site catalog but not with -Demo' {
        $script:new.Parameters['BootImageId'].ParameterSets['Site'].IsMandatory | Should -BeTrue
        $script:new.Parameters['BootImageId'].ParameterSets['Demo'].IsMandatory | Should -BeFalse
        $script:new.Parameters['SiteCatalog'].ParameterSets.Keys | Should -Not -Contain 'Demo'
    }

    Context 'with the engine mocked' {
        BeforeAll {
            Mock -ModuleName CmTsMedia Invoke-CmTsEngine {
                [pscustomobject]@{
                    ErrorRecord = $null
                    OperationId = 'op-1'
                    Result      = [pscustomobject]@{
                        operationId = 'op-1'; mediaType = $Params.mediaType; destinationPath = $Params.destinationPath
                        bootImageId = $Params.bootImageId; bytesWritten = 1048576; mediaGuid = 'A5B6'
                        certificateThumbprint = 'AB12'; certificateNotAfter = '2027-11-26T06:00:00.000Z'; durationMs = 1500
                    }
                }
            }
        }

        It 'pipes objects with PackageID (Get-CMBootMediaImage) and resolves relative paths' {
            Push-Location $TestDrive
            try {
                $results = @(
                    [pscustomobject]@{ PackageID = 'PS100005'; MediaType = 'CD'; DestinationPath = 'a.iso' }
                    [pscustomobject]@{ PackageID = 'PS100006'; MediaType = 'CD'; DestinationPath = 'sub/b.iso' }
                ) | New-CMBootMedia -SiteCatalog ./site.json
            }
            finally { Pop-Location }
            $results.Count | Should -Be 2
            $results[1].BootImageId | Should -Be 'PS100006'
            $results[1].DestinationPath | Should -Be ([System.IO.Path]::Combine($TestDrive, 'sub', 'b.iso'))
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Times 2 -Exactly -ParameterFilter {
                $Command -eq 'createBootMedia' -and $Params.siteCatalog -eq [System.IO.Path]::Combine($TestDrive, 'site.json')
            }
        }

        It 'returns a CmTsMedia.BootMediaResult with typed fields' {
            $result = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'c.iso') -BootImageId PS100005 -SiteCatalog (Join-Path $TestDrive 's.json')
            $result.PSObject.TypeNames[0] | Should -Be 'CmTsMedia.BootMediaResult'
            $result.Duration | Should -Be ([timespan]::FromMilliseconds(1500))
            $result.CertificateNotAfter | Should -BeOfType [datetime]
            $result.CertificateNotAfterUtc | Should -Be ([datetime]::new(2027, 11, 26, 6, 0, 0, [System.DateTimeKind]::Utc))
            $result.CertificateNotAfterUtc.Kind | Should -Be 'Utc'
            $result.CertificateNotAfter.Kind | Should -Be 'Local' -Because 'times are shown in local time (docs/module.md)'
            $result.CertificateNotAfter | Should -Be $result.CertificateNotAfterUtc.ToLocalTime()
            $result.BytesWritten | Should -BeOfType [long]
            ($result | Format-List | Out-String) | Should -Match 'Size \(MB\)\s*:\s*1'
        }

        It 'passes SecureStrings to the engine seam unconverted' {
            $password = ConvertTo-SecureString 'S3cret!' -AsPlainText -Force
            $null = New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json -MediaPassword $password -CertPassword $password
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -ParameterFilter {
                $Params.mediaPassword -is [securestring] -and $Params.certificatePassword -is [securestring]
            }
        }

        It 'only checks with -WhatIf: checkBootMedia runs, createBootMedia does not' {
            New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json -WhatIf | Should -BeNullOrEmpty
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Times 1 -Exactly -Scope It -ParameterFilter { $Command -eq 'checkBootMedia' }
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Times 0 -Exactly -Scope It -ParameterFilter { $Command -eq 'createBootMedia' }
        }

        It 'refuses UFD+FORMAT without -Force where nobody can confirm' {
            # pwsh -NonInteractive (as in CI) cannot prompt: ShouldContinue fails, and the command says to use -Force.
            if ([Environment]::GetCommandLineArgs() -notcontains '-NonInteractive') { Set-ItResult -Skipped -Because 'needs a -NonInteractive host' }
            New-CMBootMedia -MediaType 'UFD+FORMAT' -DestinationPath disk.img -BootImageId PS100005 -SiteCatalog s.json -ErrorAction SilentlyContinue -ErrorVariable ev
            # -ErrorVariable also holds the host's caught prompt failure; ours is the last record.
            $ev[-1].FullyQualifiedErrorId | Should -Be 'E_INVALIDARG,New-CMBootMedia'
            $ev[-1].Exception.Message | Should -Match '-Force'
            # checkBootMedia runs first (the prompt names the disk); nothing is created without an answer.
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Times 0 -Exactly -Scope It -ParameterFilter { $Command -eq 'createBootMedia' }
            New-CMBootMedia -MediaType 'UFD+FORMAT' -DestinationPath disk.img -BootImageId PS100005 -SiteCatalog s.json -Force | Should -Not -BeNullOrEmpty
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Times 1 -Exactly -Scope It -ParameterFilter { $Command -eq 'createBootMedia' }
        }

        It 'uses the demo catalog and PS100005 with -Demo' {
            $null = New-CMBootMedia -Demo -MediaType CD -DestinationPath x.iso
            $base = (Get-Module CmTsMedia).ModuleBase
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Scope It -ParameterFilter {
                $Params.bootImageId -eq 'PS100005' -and $Params.siteCatalog -eq [System.IO.Path]::Combine($base, 'module', 'Demo', 'site.json')
            }
        }
    }

    Context 'site catalog default chain' {
        BeforeAll {
            Mock -ModuleName CmTsMedia Invoke-CmTsEngine { [pscustomobject]@{ ErrorRecord = $null; OperationId = 'x'; Result = [pscustomobject]@{ durationMs = 0 } } }
            $script:saved = @{ Catalog = $env:CMTSMEDIA_SITE_CATALOG; Config = $env:CMTSMEDIA_CONFIG }
        }
        AfterEach {
            $env:CMTSMEDIA_SITE_CATALOG = $script:saved.Catalog
            $env:CMTSMEDIA_CONFIG = $script:saved.Config
        }

        It 'takes CMTSMEDIA_SITE_CATALOG when -SiteCatalog is absent' {
            $env:CMTSMEDIA_SITE_CATALOG = Join-Path $TestDrive 'env-site.json'
            $null = New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Scope It -ParameterFilter { $Params.siteCatalog -eq (Join-Path $TestDrive 'env-site.json') }
        }

        It 'then the config file, relative to its folder' {
            $env:CMTSMEDIA_SITE_CATALOG = $null
            $configDir = Join-Path $TestDrive 'etc'
            $null = New-Item -ItemType Directory -Path $configDir -Force
            Set-Content -LiteralPath (Join-Path $configDir 'config.json') -Value '{ "siteCatalog": "sites/site.json" }'
            $env:CMTSMEDIA_CONFIG = Join-Path $configDir 'config.json'
            $null = New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Scope It -ParameterFilter { $Params.siteCatalog -eq [System.IO.Path]::Combine($configDir, 'sites', 'site.json') }
        }

        It 'else fails with CMTSMEDIA_E_NOSITECATALOG naming the ways out' {
            $env:CMTSMEDIA_SITE_CATALOG = $null
            $env:CMTSMEDIA_CONFIG = Join-Path $TestDrive 'no-such-config.json'
            $err = { New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception | Should -BeOfType ([type]'CmTsMedia.NoSiteCatalogException')
            $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_NOSITECATALOG,New-CMBootMedia'
            $err.Exception.Message | Should -Match 'SiteCatalog'
            $err.Exception.Message | Should -Match 'CMTSMEDIA_SITE_CATALOG'
            $err.Exception.Message | Should -Match '-Demo'
            Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Times 0 -Exactly -Scope It
        }
    }
}

Describe 'Tab completion' {
    It 'completes -BootImageId from the boot images of -SiteCatalog' {
        $catalog = Join-Path $TestDrive 'complete.json'
        Set-Content -LiteralPath $catalog -Value '{ "bootImages": [ { "packageId": "PS100005", "name": "x64", "architecture": "x64" }, { "packageId": "PS100006", "name": "x86", "architecture": "x86" }, { "packageId": "XY000001", "name": "other", "architecture": "x64" } ] }'
        $line = "New-CMBootMedia -SiteCatalog '$catalog' -BootImageId PS"
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($completions.CompletionMatches.CompletionText) | Should -Be @('PS100005', 'PS100006')
        $completions.CompletionMatches[1].ToolTip | Should -Be 'x86 (x86)'
    }

    It 'completes -BootImageId of Get-CMBootMediaImage and from the demo catalog with -Demo' {
        $line = 'Get-CMBootMediaImage -Demo -BootImageId '
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($completions.CompletionMatches.CompletionText) | Should -Be @('PS100005')
    }

    It 'caches the catalog until the file changes, and never starts the engine' {
        Mock -ModuleName CmTsMedia Invoke-CmTsEngine { throw 'the completer must not start the engine' }
        Mock -ModuleName CmTsMedia Start-CmTsEngine { throw 'the completer must not start the engine' }
        $catalog = Join-Path $TestDrive 'cached.json'
        Set-Content -LiteralPath $catalog -Value '{ "bootImages": [ { "packageId": "AA000001", "name": "one", "architecture": "x64" } ] }'
        $line = "New-CMBootMedia -SiteCatalog '$catalog' -BootImageId "
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('AA000001')
        $cache = & (Get-Module CmTsMedia) { $script:CatalogCompletionCache }
        $cache.Keys | Should -Contain $catalog
        # A cached answer: the file is read again only when its size or time changes.
        $cache[$catalog].Site = [pscustomobject]@{ bootImages = @([pscustomobject]@{ packageId = 'FROMCACHE'; name = 'c'; architecture = 'x64' }) }
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('FROMCACHE')
        Set-Content -LiteralPath $catalog -Value '{ "bootImages": [ { "packageId": "BB000002", "name": "two", "architecture": "x86" } ] }'
        (Get-Item -LiteralPath $catalog).LastWriteTimeUtc = [datetime]::UtcNow.AddMinutes(1)
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('BB000002')
        Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Times 0 -Exactly -Scope It
        Should -Invoke Start-CmTsEngine -ModuleName CmTsMedia -Times 0 -Exactly -Scope It
    }

    It 'completes nothing, silently, for a missing or broken catalog' {
        $broken = Join-Path $TestDrive 'broken.json'
        Set-Content -LiteralPath $broken -Value '{ not json'
        foreach ($catalog in $broken, (Join-Path $TestDrive 'absent.json')) {
            $line = "New-CMBootMedia -SiteCatalog '$catalog' -BootImageId "
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Where-Object ResultType -EQ 'ParameterValue').Count | Should -Be 0
        }
    }

    It 'completes -ManagementPoint and -DistributionPoint with the server names of the catalog' {
        $catalog = Join-Path $TestDrive 'servers.json'
        Set-Content -LiteralPath $catalog -Value '{ "managementPoints": [ { "name": "MP01.contoso.com", "url": "https://MP01.contoso.com" }, { "name": "MP02.contoso.com", "url": "http://MP02.contoso.com" }, { "name": "mp01.CONTOSO.com", "url": "https://mp01.contoso.com" } ], "distributionPoints": [ { "name": "DP01.contoso.com" }, { "name": "DP02.contoso.com" } ] }'
        $line = "New-CMBootMedia -SiteCatalog '$catalog' -ManagementPoint MP01.contoso.com, "
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        @($completions.CompletionText) | Should -Be @('MP01.contoso.com', 'MP02.contoso.com')
        $completions[1].ToolTip | Should -Be 'management point http://MP02.contoso.com'
        $line = "New-CMBootMedia -SiteCatalog '$catalog' -DistributionPoint DP0"
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('DP01.contoso.com', 'DP02.contoso.com')
        $line = 'New-CMBootMedia -Demo -DistributionPoint '
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('DP01.cmtsmedia-demo.example')
    }

    It 'completes each package ID once, even when the catalog lists it twice' {
        $catalog = Join-Path $TestDrive 'twice.json'
        Set-Content -LiteralPath $catalog -Value '{ "bootImages": [ { "packageId": "PS100005", "name": "x64", "architecture": "x64" }, { "packageId": "ps100005", "name": "x64 again", "architecture": "x64" }, { "packageId": "PS100006", "name": "x86", "architecture": "x86" } ] }'
        $line = "Get-CMBootMediaImage -SiteCatalog '$catalog' -BootImageId "
        @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @('PS100005', 'PS100006')
    }

    Context '-DestinationPath with UFD+FORMAT' {
        BeforeAll {
            # lsblk --json --bytes --nodeps --output PATH,TYPE,RM,HOTPLUG,TRAN,MODEL,SIZE,RO on a laptop with
            # a USB stick, a USB hard disk, an SD card, the internal NVMe disk, a loop device and a DVD drive.
            $script:lsblk = @'
{
   "blockdevices": [
      {"path": "/dev/loop0", "type": "loop", "rm": false, "hotplug": false, "tran": null, "model": null, "size": 58597376, "ro": true},
      {"path": "/dev/sda", "type": "disk", "rm": true, "hotplug": true, "tran": "usb", "model": "SanDisk 3.2Gen1", "size": 30765219840, "ro": false},
      {"path": "/dev/sdb", "type": "disk", "rm": false, "hotplug": true, "tran": "usb", "model": "Expansion HDD   ", "size": 2000365289472, "ro": false},
      {"path": "/dev/sr0", "type": "rom", "rm": true, "hotplug": false, "tran": "sata", "model": "DVD-RW DVR-TD11RS", "size": 1073741312, "ro": false},
      {"path": "/dev/mmcblk0", "type": "disk", "rm": false, "hotplug": true, "tran": null, "model": null, "size": 63864569856, "ro": false},
      {"path": "/dev/nvme0n1", "type": "disk", "rm": false, "hotplug": false, "tran": "nvme", "model": "SAMSUNG MZVL2512HCJQ-00B00", "size": 512110190592, "ro": false}
   ]
}
'@
        }

        It 'proposes removable and USB disks only, with model and size' {
            if ($IsWindows) { Set-ItResult -Skipped -Because 'Windows lists disks with Get-Disk (Module.Windows.Tests.ps1)'; return }
            Mock -ModuleName CmTsMedia Get-CmTsBlockDeviceList { $script:lsblk }
            foreach ($line in 'New-CMBootMedia -Demo -MediaType UFD+FORMAT -DestinationPath ', 'New-CMBootMedia -Demo -MediaType Usb -FormatMedia -DestinationPath ') {
                $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
                @($completions.CompletionText) | Should -Be @('/dev/sda', '/dev/sdb', '/dev/mmcblk0') -Because $line
                $completions[0].ToolTip | Should -Be 'SanDisk 3.2Gen1, 28.7 GiB'
            }
        }

        It 'proposes no disk for CD or UFD, and none of this machine''s fixed disks' {
            Mock -ModuleName CmTsMedia Get-CmTsBlockDeviceList { $script:lsblk }
            $line = 'New-CMBootMedia -Demo -MediaType CD -DestinationPath /dev/s'
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Where-Object ResultType -EQ 'ParameterValue').Count | Should -Be 0
        }

        It 'on this machine proposes no fixed, loop or zram disk' {
            if ($IsWindows -or -not (Get-Command lsblk -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'needs lsblk'; return }
            $fixed = @(& lsblk --json --bytes --nodeps --output PATH,TYPE,RM,HOTPLUG,TRAN | ConvertFrom-Json).blockdevices |
                Where-Object { -not $_.rm -and -not $_.hotplug -and $_.tran -ne 'usb' } | ForEach-Object path
            $line = 'New-CMBootMedia -Demo -MediaType UFD+FORMAT -DestinationPath '
            $offered = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
            foreach ($path in $fixed) { $offered | Should -Not -Contain $path }
        }
    }

    It 'completes -MediaType from its ValidateSet' {
        $line = 'New-CMBootMedia -MediaType U'
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($completions.CompletionMatches.CompletionText) | Should -Contain 'UFD'
        @($completions.CompletionMatches.CompletionText) | Should -Contain 'Usb'
        $line = 'New-CMBootMedia -MediaType c'
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($completions.CompletionMatches.CompletionText) | Should -Be @('CD', 'CdDvd')
    }
}

Describe 'Get-CMBootMediaImage parameters' {
    BeforeAll { $script:images = Get-Command Get-CMBootMediaImage }

    It 'has -SiteCatalog, -Demo and -BootImageId (alias PackageID) in two parameter sets' {
        $script:images.Parameters['SiteCatalog'].ParameterSets.Keys | Should -Be @('Site')
        $script:images.Parameters['Demo'].ParameterSets['Demo'].IsMandatory | Should -BeTrue
        $script:images.Parameters['BootImageId'].Aliases | Should -Contain 'PackageID'
        $script:images.OutputType.Name | Should -Contain 'CmTsMedia.BootImage'
    }

    It 'returns CmTsMedia.BootImage objects that bind to New-CMBootMedia by property name' {
        Mock -ModuleName CmTsMedia Invoke-CmTsEngine {
            if ($Command -eq 'getBootImages') {
                return [pscustomobject]@{ ErrorRecord = $null; OperationId = $null; Result = [pscustomobject]@{ bootImages = @(
                            [pscustomobject]@{ siteCode = 'PS1'; packageId = 'PS100005'; name = 'x64'; architecture = 'x64'; sourceVersion = 3; distributionPoints = @('DP01'); wimPath = '/c/boot.wim'; wimArchitecture = 'x64'; wimImageName = 'Microsoft Windows PE (x64)'; wimVersion = '10.0.26100.1'; problem = $null }
                            [pscustomobject]@{ siteCode = 'PS1'; packageId = 'PS100006'; name = 'x86'; architecture = 'x86'; sourceVersion = 1; distributionPoints = @('DP01'); wimPath = $null; wimArchitecture = $null; wimImageName = $null; wimVersion = $null; problem = 'CREATETSMEDIA_E_MISSINGPACKAGE' }
                        ) } }
            }
            [pscustomobject]@{ ErrorRecord = $null; OperationId = 'op'; Result = [pscustomobject]@{ operationId = 'op'; bootImageId = $Params.bootImageId; durationMs = 0 } }
        }
        $catalog = Join-Path $TestDrive 'images.json'
        $all = @(Get-CMBootMediaImage -SiteCatalog $catalog)
        $all.Count | Should -Be 2
        $all[0].PSObject.TypeNames[0] | Should -Be 'CmTsMedia.BootImage'
        $all[0].Version | Should -Be ([version]'10.0.26100.1')
        $all[0].SiteCatalog | Should -Be $catalog
        $all[1].Architecture | Should -Be 'x86' -Because 'the catalog architecture stands in when the WIM cannot be read'
        $all[1].Problem | Should -Be 'CREATETSMEDIA_E_MISSINGPACKAGE'
        @(Get-CMBootMediaImage -SiteCatalog $catalog -BootImageId '*6').PackageID | Should -Be @('PS100006')
        $result = Get-CMBootMediaImage -SiteCatalog $catalog -BootImageId PS100005 | New-CMBootMedia -MediaType CD -DestinationPath x.iso
        $result.BootImageId | Should -Be 'PS100005'
        Should -Invoke Invoke-CmTsEngine -ModuleName CmTsMedia -Scope It -Times 1 -Exactly -ParameterFilter {
            $Command -eq 'createBootMedia' -and $Params.bootImageId -eq 'PS100005' -and $Params.siteCatalog -eq $catalog
        }
    }
}

Describe 'Get-CMBootMediaStatus parameters' {
    It 'binds -OperationId (alias Id) by property name' {
        $parameter = $script:status.Parameters['OperationId']
        $parameter.Aliases | Should -Contain 'Id'
        $parameter.ParameterSets['Id'].ValueFromPipelineByPropertyName | Should -BeTrue
    }

    It 'has -Job, -Wait and -TimeoutSeconds' {
        $script:status.Parameters['Job'].ParameterType | Should -Be ([System.Management.Automation.Job[]])
        $script:status.Parameters['Wait'].SwitchParameter | Should -BeTrue
        $script:status.Parameters['TimeoutSeconds'].ParameterType | Should -Be ([int])
    }

    It 'maps engine status to SDK semantics' {
        Mock -ModuleName CmTsMedia Invoke-CmTsEngine {
            [pscustomobject]@{ ErrorRecord = $null; OperationId = $null; Result = [pscustomobject]@{
                    operationId = $Params.operationId; state = 'Failed'; exitCode = '0x80040003'; errorCode = 'CREATETSMEDIA_E_MISSINGPACKAGE'
                    errorDetail = 'PS100099'; step = 2; steps = 5; stepInfo = 'Reading the site catalog'; percent = 10
                    startedAt = '2026-11-26T06:00:00.000Z'; endedAt = '2026-11-26T06:00:01.000Z'
                } }
        }
        $status = [pscustomobject]@{ OperationId = 'op-7' } | Get-CMBootMediaStatus
        $status.PSObject.TypeNames[0] | Should -Be 'CmTsMedia.BootMediaStatus'
        $status.Status | Should -Be 0
        $status.ExitCode | Should -Be 0x80040003
        $status.ErrorDetail | Should -Be 'PS100099'
        $status.EndTimeUtc | Should -Be ([datetime]::new(2026, 11, 26, 6, 0, 1, [System.DateTimeKind]::Utc))
        $status.EndTime | Should -Be $status.EndTimeUtc.ToLocalTime()
        ($status | Format-Table | Out-String) | Should -Match '0x80040003'
    }

    It 'takes the operation id of a -Job and says when a job has none' {
        Mock -ModuleName CmTsMedia Invoke-CmTsEngine {
            [pscustomobject]@{ ErrorRecord = $null; OperationId = $null; Result = [pscustomobject]@{ operationId = $Params.operationId; state = 'Running'; percent = 5 } }
        }
        # Jobs that never start: only their OperationId matters here.
        $job = New-Object CmTsMedia.BootMediaJob ('New-CMBootMedia', 'with-id', (Get-TestModuleManifest), @{})
        $other = New-Object CmTsMedia.BootMediaJob ('New-CMBootMedia', 'without-id', (Get-TestModuleManifest), @{})
        try {
            $job.OperationId = 'op-job'
            $status = $job | Get-CMBootMediaStatus
            $status.OperationId | Should -Be 'op-job'
            $status.Status | Should -Not -Be 0
            $status.State | Should -Be 'Running'
            Get-CMBootMediaStatus -Job $other -ErrorAction SilentlyContinue -ErrorVariable ev
            $ev[0].FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_OPERATIONNOTFOUND,Get-CMBootMediaStatus'
            $ev[0].Exception.Message | Should -BeLike '*without-id*'
        }
        finally {
            $job.Dispose()
            $other.Dispose()
        }
    }
}
