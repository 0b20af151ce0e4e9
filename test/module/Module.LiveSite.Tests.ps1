#Requires -Modules Pester
# New-CMBootMediaSiteCatalog, Register-CMBootMediaCertificate and New-CMBootMedia -Register against the
# test site (test/helpers/test-site.mjs: a management point and an AdminService on 127.0.0.1, replies
# shaped like a real site's), with the real engine: typed errors for an unreachable or silent MP, 401,
# 403, replies cut short, a boot image on no DP, a damaged content library; -Force keeps the old catalog
# until the new one is complete; -WhatIf sends nothing. The WMI path (-SiteServer) runs against Pester
# mocks of the CIM cmdlets. The end-to-end path with a QEMU boot is test/engine/site/live-site-e2e.test.ts.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    $script:saved = $env:CMTSMEDIA_STATE_DIR
    $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state'
    $script:repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:sites = New-Object System.Collections.Generic.List[object]
    $script:password = ConvertTo-SecureString 'Fixture-Admin-Pass1' -AsPlainText -Force
    $script:credential = New-Object System.Management.Automation.PSCredential ('MAYYHEM\cmadmin', $script:password)

    # Starts the test site in a node process; it stops when its stdin closes (Stop-TestSite) or after 10 minutes.
    function Start-TestSite([string[]] $Fault = @()) {
        $info = New-Object System.Diagnostics.ProcessStartInfo 'node'
        $arguments = @((Join-Path $script:repo 'test/helpers/test-site.mjs'))
        foreach ($f in $Fault) { $arguments += '--fault'; $arguments += $f }
        foreach ($a in $arguments) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $urls = $process.StandardOutput.ReadLine() | ConvertFrom-Json
        $site = [pscustomobject]@{ Process = $process; Mp = $urls.mp; AdminService = $urls.adminService; RequestsUrl = $urls.requests }
        $script:sites.Add($site)
        $site
    }
    function Stop-TestSite($Site) {
        $Site.Process.StandardInput.Close()
        if (-not $Site.Process.WaitForExit(10000)) { $Site.Process.Kill() }
    }
    # The requests the site recorded (asking for them is not recorded).
    function Get-SiteRequests($Site) {
        $all = Invoke-RestMethod -Uri $Site.RequestsUrl
        @($all | Where-Object { $_ })
    }
    function Get-ClosedPort {
        (& node (Join-Path $script:repo 'test/helpers/test-site.mjs') --closed-port | ConvertFrom-Json).port
    }
    function New-ContentLibrary([string] $Name, [string] $Extra) {
        $library = Join-Path $TestDrive $Name
        $wim = Join-Path $script:module.ModuleBase 'module/Demo/content/dp01/PS100005/boot.PS100005.wim'
        $arguments = @((Join-Path $script:repo 'test/fixtures/live-site/make-content-library.mjs'), $library, $wim, 'PS100005', '3')
        if ($Extra) { $arguments += $Extra }
        $made = & node @arguments | ConvertFrom-Json
        $made | Add-Member -NotePropertyName Root -NotePropertyValue $library -PassThru
    }
    function New-Catalog($Site, [string] $Path, [hashtable] $More = @{}) {
        $arguments = @{ ManagementPoint = $Site.Mp; AdminService = $Site.AdminService; Credential = $script:credential; SkipCertificateCheck = $true; Path = $Path; WarningAction = 'SilentlyContinue' }
        foreach ($k in $More.Keys) { $arguments[$k] = $More[$k] }
        New-CMBootMediaSiteCatalog @arguments
    }
    $script:site = Start-TestSite
}

AfterAll {
    foreach ($s in $script:sites) { if (-not $s.Process.HasExited) { Stop-TestSite $s } }
    $env:CMTSMEDIA_STATE_DIR = $script:saved
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'New-CMBootMediaSiteCatalog' {
    BeforeAll {
        $script:catalog = Join-Path $TestDrive 'ok/site.json'
        $null = New-Item -ItemType Directory -Path (Split-Path $script:catalog)
        $script:okLibrary = New-ContentLibrary 'lib-ok'
        $script:summary = New-CMBootMediaSiteCatalog -ManagementPoint $script:site.Mp -AdminService $script:site.AdminService -Credential $script:credential -SkipCertificateCheck `
            -ContentLibrary ('ps1-dp.mayyhem.com=' + $script:okLibrary.Root) -Path $script:catalog -WarningVariable warnings -WarningAction SilentlyContinue
        $script:warnings = @($warnings | ForEach-Object { $_.Message })
    }

    It 'returns the summary of what it wrote and warns about a boot image on no DP' {
        $path = $script:catalog
        $library = $script:okLibrary
        $summary = $script:summary
        $warnings = $script:warnings
        $summary.PSObject.TypeNames[0] | Should -Be 'CmTsMedia.SiteCatalog'
        $summary.SiteCode | Should -Be 'PS1'
        $summary.SiteName | Should -Be 'Primary Site One'
        $summary.ManagementPoints | Should -Be @('ps1-mp.mayyhem.com')
        $summary.Path | Should -Be $path
        @($summary.BootImages | ForEach-Object { '{0}:{1}' -f $_.PackageID, ($_.DistributionPoints -join ',') }) | Should -Be @('PS100005:ps1-dp.mayyhem.com', 'PS100006:')
        $warnings | Should -Contain '-SkipCertificateCheck: the certificate of {0} is not checked, so anyone between this computer and the site could answer in its place. Import the site''s SMS Issuing root (Administration > Security > Certificates) into the trusted roots instead.'.Replace('{0}', $script:site.AdminService)
        $warnings | Should -Contain 'Boot image PS100006 (Boot image (x86)) version 1 is on no distribution point: media for it fail with CREATETSMEDIA_E_MISSINGPACKAGE until it is distributed.'
        $json = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json
        $json.distributionPoints[0].contentLibrary | Should -Be $library.Root
    }

    It 'makes media for the boot image on the DP, and MISSINGPACKAGE for the one on no DP' {
        $iso = Join-Path $TestDrive 'ok.iso'
        $media = New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100005 -SiteCatalog $script:catalog -WarningAction SilentlyContinue -ErrorAction Stop
        $media.BootImageId | Should -Be 'PS100005'
        { New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'x86.iso') -BootImageId PS100006 -SiteCatalog $script:catalog -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ExceptionType ([CmTsMedia.MissingPackageException]) -ExpectedMessage 'Package PS100006 is not available on the specified distribution points.*'
        Test-Path -LiteralPath (Join-Path $TestDrive 'x86.iso') | Should -BeFalse
    }

    It 'fails with CMTSMEDIA_E_CONTENTHASH and writes no media when the library''s copy is damaged' {
        $path = Join-Path $TestDrive 'damaged/site.json'
        $null = New-Item -ItemType Directory -Path (Split-Path $path)
        $library = New-ContentLibrary 'lib-damaged' '--corrupt-at=160'
        $null = New-Catalog $script:site $path @{ ContentLibrary = $library.Root }
        $iso = Join-Path $TestDrive 'damaged.iso'
        $err = $null
        try { New-CMBootMedia -MediaType CD -DestinationPath $iso -BootImageId PS100005 -SiteCatalog $path -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
        $err.Exception | Should -BeOfType ([CmTsMedia.ContentHashMismatchException])
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_CONTENTHASH,New-CMBootMedia'
        $err.Exception.ErrorDetail | Should -BeLike ('{0} (content PS100005.3 on ps1-dp.mayyhem.com) has SHA-256 *, the library records {1}' -f $library.fileLibPath, $library.hash)
        Test-Path -LiteralPath $iso | Should -BeFalse
    }

    It 'names an unreachable management point (CMTSMEDIA_E_SITEUNREACHABLE) and writes nothing' {
        $path = Join-Path $TestDrive 'unreachable/site.json'
        $null = New-Item -ItemType Directory -Path (Split-Path $path)
        $mp = 'http://127.0.0.1:{0}' -f (Get-ClosedPort)
        $err = $null
        try { New-CMBootMediaSiteCatalog -ManagementPoint $mp -AdminService $script:site.AdminService -Credential $script:credential -SkipCertificateCheck -Path $path -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
        $err.Exception | Should -BeOfType ([CmTsMedia.SiteUnreachableException])
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_SITEUNREACHABLE,New-CMBootMediaSiteCatalog'
        $err.Exception.ErrorDetail | Should -BeLike ('{0}/SMS_MP/.sms_aut?MPKEYINFORMATIONMEDIA: *' -f $mp)
        @(Get-ChildItem -LiteralPath (Split-Path $path) -Force).Count | Should -Be 0
    }

    It 'gives up on a management point that does not answer within -TimeoutSeconds' {
        $silent = Start-TestSite 'mp=timeout'
        $path = Join-Path $TestDrive 'timeout/site.json'
        $null = New-Item -ItemType Directory -Path (Split-Path $path)
        $err = $null
        try { New-CMBootMediaSiteCatalog -ManagementPoint $silent.Mp -AdminService $silent.AdminService -Credential $script:credential -SkipCertificateCheck -Path $path -TimeoutSeconds 2 -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
        Stop-TestSite $silent
        $err.Exception | Should -BeOfType ([CmTsMedia.SiteUnreachableException])
        $err.Exception.ErrorDetail | Should -Be ('{0}/SMS_MP/.sms_aut?MPKEYINFORMATIONMEDIA: no answer within 2 s' -f $silent.Mp)
        @(Get-ChildItem -LiteralPath (Split-Path $path) -Force).Count | Should -Be 0
    }

    It 'gives <Type> for HTTP <Status> from the AdminService and writes nothing' -ForEach @(
        @{ Status = 401; Type = 'SiteAuthenticationException'; Code = 'CMTSMEDIA_E_SITEAUTH'; Action = 'Pass -Credential with a ConfigMgr administrative user*' }
        @{ Status = 403; Type = 'SiteAccessDeniedException'; Code = 'CMTSMEDIA_E_SITEACCESSDENIED'; Action = 'Use an account with a ConfigMgr security role*' }
    ) {
        $refusing = Start-TestSite "adminService=$Status"
        $path = Join-Path $TestDrive "http$Status/site.json"
        $null = New-Item -ItemType Directory -Path (Split-Path $path)
        $err = $null
        try { New-Catalog $refusing $path @{ ErrorAction = 'Stop' } } catch { $err = $_ }
        Stop-TestSite $refusing
        $err.Exception.GetType().FullName | Should -Be "CmTsMedia.$Type"
        $err.FullyQualifiedErrorId | Should -Be "$Code,New-CMBootMediaSiteCatalog"
        $err.Exception.ErrorDetail | Should -BeLike ('{0}/wmi/SMS_Identification?*' -f $refusing.AdminService)
        $err.ErrorDetails.RecommendedAction | Should -BeLike $Action
        @(Get-ChildItem -LiteralPath (Split-Path $path) -Force).Count | Should -Be 0
    }

    It 'gives CMTSMEDIA_E_SITEREPLY for a reply cut short (<Fault>) and writes nothing' -ForEach @(
        @{ Fault = 'mp=truncated'; Detail = '*?MPKEYINFORMATIONMEDIA: the reply is cut short after 2081 bytes (it does not end with a closing tag)' }
        @{ Fault = 'adminService=truncated'; Detail = '*/wmi/SMS_BootImagePackage: the JSON is malformed or cut short*' }
        @{ Fault = 'mp=notmp'; Detail = '*/SMS_MP/.sms_aut?MPKEYINFORMATIONMEDIA answered HTTP 404 (not found)*' }
    ) {
        $broken = Start-TestSite $Fault
        $path = Join-Path $TestDrive ('reply-{0}/site.json' -f ($Fault -replace '\W', ''))
        $null = New-Item -ItemType Directory -Path (Split-Path $path)
        $err = $null
        try { New-Catalog $broken $path @{ ErrorAction = 'Stop' } } catch { $err = $_ }
        Stop-TestSite $broken
        $err.Exception | Should -BeOfType ([CmTsMedia.SiteReplyException])
        $err.Exception.ErrorDetail | Should -BeLike $Detail
        @(Get-ChildItem -LiteralPath (Split-Path $path) -Force).Count | Should -Be 0
    }

    It 'keeps an existing catalog without -Force, and with -Force until the new one is complete' {
        $folder = Join-Path $TestDrive 'refresh'
        $null = New-Item -ItemType Directory -Path $folder
        $path = Join-Path $folder 'site.json'
        Set-Content -LiteralPath $path -Value '{"schemaVersion": 1, "old": true}' -NoNewline
        { New-Catalog $script:site $path @{ ErrorAction = 'Stop' } } | Should -Throw -ExceptionType ([CmTsMedia.FileExistsException])
        # A refresh whose reply is cut short leaves the old catalog byte for byte.
        $broken = Start-TestSite 'adminService=truncated'
        { New-Catalog $broken $path @{ Force = $true; ErrorAction = 'Stop' } } | Should -Throw -ExceptionType ([CmTsMedia.SiteReplyException])
        Stop-TestSite $broken
        Get-Content -LiteralPath $path -Raw | Should -Be '{"schemaVersion": 1, "old": true}'
        $summary = New-Catalog $script:site $path @{ Force = $true; ErrorAction = 'Stop' }
        $summary.SiteCode | Should -Be 'PS1'
        (Get-Content -LiteralPath $path -Raw | ConvertFrom-Json).schemaVersion | Should -Be 2
        @(Get-ChildItem -LiteralPath $folder -Force | Where-Object Name -like '*.cmtsmedia-tmp').Count | Should -Be 0
    }

    It 'checks -ConnectionOptions with the SDK''s codes before contacting the site' {
        $before = @(Get-SiteRequests $script:site).Count
        $path = Join-Path $TestDrive 'options.json'
        { New-Catalog $script:site $path @{ ConnectionOptions = @{ Server = 'x' }; ErrorAction = 'Stop' } } | Should -Throw -ExceptionType ([CmTsMedia.ConnectionOptionNameException]) -ExpectedMessage 'Invalid name for connection option Server.*'
        { New-Catalog $script:site $path @{ ConnectionOptions = @{ Password = 'secret-pw' }; ErrorAction = 'Stop' } } | Should -Throw -ExceptionType ([CmTsMedia.ConnectionOptionsException])
        @(Get-SiteRequests $script:site).Count | Should -Be $before
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It '-WhatIf contacts nothing and writes nothing' {
        $before = @(Get-SiteRequests $script:site).Count
        $path = Join-Path $TestDrive 'whatif.json'
        New-Catalog $script:site $path @{ WhatIf = $true }
        Test-Path -LiteralPath $path | Should -BeFalse
        @(Get-SiteRequests $script:site).Count | Should -Be $before
    }
}

Describe 'Register-CMBootMediaCertificate and New-CMBootMedia -Register' {
    BeforeAll {
        $script:registerSite = Start-TestSite
        $script:regCatalog = Join-Path $TestDrive 'reg/site.json'
        $null = New-Item -ItemType Directory -Path (Split-Path $script:regCatalog)
        $library = New-ContentLibrary 'lib-reg'
        $null = New-Catalog $script:registerSite $script:regCatalog @{ ContentLibrary = $library.Root }
        $script:media = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'reg.iso') -BootImageId PS100005 -SiteCatalog $script:regCatalog -WarningAction SilentlyContinue -ErrorAction Stop
        function Get-Posts { @(Get-SiteRequests $script:registerSite | Where-Object { $_.method -eq 'POST' -and $_.user }) }
    }

    It '-WhatIf sends nothing' {
        $before = @(Get-SiteRequests $script:registerSite).Count
        $script:media | Register-CMBootMediaCertificate -AdminService $script:registerSite.AdminService -Credential $script:credential -SkipCertificateCheck -WhatIf
        @(Get-SiteRequests $script:registerSite).Count | Should -Be $before
    }

    It 'sends SubmitRegistrationRecord with the media GUID and the certificate, once' {
        $cer = Join-Path $TestDrive 'media.cer'
        [System.IO.File]::WriteAllBytes($cer, $script:media.Certificate.RawData)
        $first = Register-CMBootMediaCertificate -Certificate $cer -MediaGuid $script:media.MediaGuid -AdminService $script:registerSite.AdminService -Credential $script:credential -SkipCertificateCheck -UserDeviceAffinity AutoApprove -WarningAction SilentlyContinue -ErrorAction Stop
        $second = $script:media | Register-CMBootMediaCertificate -AdminService $script:registerSite.AdminService -Credential $script:credential -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop
        $first.Status | Should -Be 'Registered'
        $first.PSObject.TypeNames[0] | Should -Be 'CmTsMedia.CertificateRegistration'
        $second.Status | Should -Be 'AlreadyRegistered'
        $posts = @(Get-Posts)
        $posts.Count | Should -Be 1
        $posts[0].path | Should -Be '/AdminService/wmi/SMS_Site.SubmitRegistrationRecord'
        $body = $posts[0].body | ConvertFrom-Json
        $body.SMSID | Should -Be $script:media.MediaGuid
        $body.Certificate | Should -Be ([System.BitConverter]::ToString($script:media.Certificate.RawData).Replace('-', ''))
        $body.Type | Should -Be 1
        $body.UdaSetting | Should -Be 2
        $body.IssuedCert | Should -Be 1
        @($body.PSObject.Properties.Name) | Should -Be @('SMSID', 'Certificate', 'Type', 'UdaSetting', 'IssuedCert')
    }

    It 'gives <Type> with what to do when the site refuses the registration (HTTP <Status>)' -ForEach @(
        @{ Status = 401; Type = 'SiteAuthenticationException' }
        @{ Status = 403; Type = 'SiteAccessDeniedException' }
    ) {
        $refusing = Start-TestSite "register=$Status"
        $err = $null
        try { $script:media | Register-CMBootMediaCertificate -AdminService $refusing.AdminService -Credential $script:credential -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
        $requests = @(Get-SiteRequests $refusing)
        Stop-TestSite $refusing
        $err.Exception.GetType().FullName | Should -Be "CmTsMedia.$Type"
        $err.FullyQualifiedErrorId | Should -BeLike '*,Register-CMBootMediaCertificate'
        $err.Exception.ErrorDetail | Should -Be ('{0}/wmi/SMS_Site.SubmitRegistrationRecord' -f $refusing.AdminService)
        @($requests | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/SMS_CertificateInfo' }).Count | Should -BeGreaterThan 0
    }

    It 'says to use -SiteServer when the AdminService does not offer SubmitRegistrationRecord' {
        $without = Start-TestSite 'register=404'
        $err = $null
        try { $script:media | Register-CMBootMediaCertificate -AdminService $without.AdminService -Credential $script:credential -SkipCertificateCheck -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
        Stop-TestSite $without
        $err.Exception | Should -BeOfType ([CmTsMedia.SiteReplyException])
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_SITEREPLY,Register-CMBootMediaCertificate'
        $err.Exception.ErrorDetail | Should -Be ('{0}/wmi/SMS_Site.SubmitRegistrationRecord answered HTTP 404: this AdminService does not offer SMS_Site.SubmitRegistrationRecord; register over WMI with -SiteServer <site server> from a Windows computer' -f $without.AdminService)
    }

    It 'New-CMBootMedia -Register registers with the provider the catalog came from' {
        $options = @{ Username = 'cmadmin'; Domain = 'MAYYHEM'; Password = 'Fixture-Admin-Pass1' }
        $result = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'register.iso') -BootImageId PS100005 -SiteCatalog $script:regCatalog -Register -ConnectionOptions $options -WarningAction SilentlyContinue -ErrorAction Stop
        $result.Registration.Status | Should -Be 'Registered'
        $result.Registration.MediaGuid | Should -Be $result.MediaGuid
        $post = @(Get-Posts) | Where-Object { ($_.body | ConvertFrom-Json).SMSID -eq $result.MediaGuid }
        $post.user | Should -Be 'MAYYHEM\cmadmin'
        (Get-Content -LiteralPath $script:regCatalog -Raw) | Should -Not -Match 'Fixture-Admin-Pass1'
    }

    It 'New-CMBootMedia -Register with a catalog that does not name its provider keeps the media and says what to run' {
        $err = $null
        $iso = Join-Path $TestDrive 'demo-register.iso'
        $result = New-CMBootMedia -Demo -MediaType CD -DestinationPath $iso -Register -WarningAction SilentlyContinue -ErrorVariable err -ErrorAction SilentlyContinue
        Test-Path -LiteralPath $iso | Should -BeTrue
        $result.Registration | Should -BeNullOrEmpty
        $err[-1].FullyQualifiedErrorId | Should -Be 'E_INVALIDARG,New-CMBootMedia'
        $err[-1].Exception.ErrorDetail | Should -BeLike '*Register-CMBootMediaCertificate -Certificate <cer> -MediaGuid*'
    }
}

Describe 'The WMI path (-SiteServer), with the CIM cmdlets mocked' {
    BeforeAll {
        $script:stubs = @()
        foreach ($name in 'New-CimSession', 'Remove-CimSession', 'Get-CimInstance', 'Invoke-CimMethod', 'New-CimSessionOption') {
            if (-not (Get-Command $name -ErrorAction SilentlyContinue)) {
                Set-Item -Path ('function:global:' + $name) -Value { param($ComputerName, $Credential, $Authentication, $SessionOption, $CimSession, $Namespace, $ClassName, $Filter, $MethodName, $Arguments, $Culture, $UICulture) }
                $script:stubs += $name
            }
        }
        $script:cimRows = @{
            SMS_Identification                    = @([pscustomobject]@{ ThisSiteCode = 'PS1'; ThisSiteName = 'Primary Site One' })
            SMS_BootImagePackage                  = @([pscustomobject]@{ PackageID = 'PS100005'; Name = 'Boot image (x64)'; Architecture = 'x64'; SourceVersion = 3 })
            SMS_PackageStatusDistPointsSummarizer = @([pscustomobject]@{ PackageID = 'PS100005'; ServerNALPath = '["Display=\\ps1-dp.mayyhem.com\"]MSWNET:["SMS_SITE=PS1"]\\ps1-dp.mayyhem.com\'; State = 0; SourceVersion = 3 })
        }
        function script:Set-CimMocks {
            Mock -ModuleName CmTsMedia Test-CmTsWindows { $true }
            Mock -ModuleName CmTsMedia New-CimSession { [pscustomobject]@{ ComputerName = $ComputerName } }
            Mock -ModuleName CmTsMedia Remove-CimSession { }
            Mock -ModuleName CmTsMedia Get-CimInstance { [pscustomobject]@{ Machine = 'cm01.mayyhem.com'; NamespacePath = '\\cm01.mayyhem.com\root\sms\site_PS1'; ProviderForLocalSite = $true; SiteCode = 'PS1' } } -ParameterFilter { $ClassName -eq 'SMS_ProviderLocation' }
            Mock -ModuleName CmTsMedia Get-CimInstance { $script:cimRows[$ClassName] } -ParameterFilter { $ClassName -ne 'SMS_ProviderLocation' -and $ClassName -ne 'SMS_CertificateInfo' }
            Mock -ModuleName CmTsMedia Get-CimInstance { } -ParameterFilter { $ClassName -eq 'SMS_CertificateInfo' }
            Mock -ModuleName CmTsMedia Invoke-CimMethod { [pscustomobject]@{ ReturnValue = 0 } }
        }
    }
    AfterAll {
        foreach ($name in $script:stubs) { Remove-Item -LiteralPath ('function:' + $name) -ErrorAction SilentlyContinue }
    }

    It 'reads the provider that SMS_ProviderLocation names, in its site namespace, with the connection options'' credential' {
        Set-CimMocks
        $path = Join-Path $TestDrive 'wmi/site.json'
        $null = New-Item -ItemType Directory -Path (Split-Path $path)
        $summary = New-CMBootMediaSiteCatalog -ManagementPoint $script:site.Mp -SiteServer cm01 -ConnectionOptions @{ Username = 'cmadmin'; Domain = 'MAYYHEM'; Password = 'Fixture-Admin-Pass1'; Authority = 'kerberos:MAYYHEM\cm01' } -Path $path -WarningAction SilentlyContinue -ErrorAction Stop
        $summary.BootImages.PackageID | Should -Be 'PS100005'
        Should -Invoke -ModuleName CmTsMedia New-CimSession -ParameterFilter { $ComputerName -eq 'cm01' -and $Credential.UserName -eq 'MAYYHEM\cmadmin' -and $Credential.GetNetworkCredential().Password -eq 'Fixture-Admin-Pass1' -and $Authentication -eq 'Kerberos' } -Times 1 -Exactly
        Should -Invoke -ModuleName CmTsMedia New-CimSession -ParameterFilter { $ComputerName -eq 'cm01.mayyhem.com' } -Times 1 -Exactly
        Should -Invoke -ModuleName CmTsMedia Get-CimInstance -ParameterFilter { $ClassName -eq 'SMS_PackageStatusDistPointsSummarizer' -and $Namespace -eq 'root\sms\site_PS1' -and $Filter -eq 'PackageType = 258' } -Times 1 -Exactly
        Should -Invoke -ModuleName CmTsMedia Remove-CimSession -Times 2 -Exactly
        (Get-Content -LiteralPath $path -Raw | ConvertFrom-Json).extensions.source.provider | Should -Be '\\cm01.mayyhem.com\root\sms\site_PS1'
    }

    It 'registers through SMS_Site.SubmitRegistrationRecord over CIM' {
        Set-CimMocks
        $media = [pscustomobject]@{ Certificate = $script:media.Certificate; MediaGuid = $script:media.MediaGuid }
        $registration = $media | Register-CMBootMediaCertificate -SiteServer cm01 -ErrorAction Stop
        $registration.Provider | Should -Be '\\cm01.mayyhem.com\root\sms\site_PS1'
        Should -Invoke -ModuleName CmTsMedia Invoke-CimMethod -ParameterFilter {
            $ClassName -eq 'SMS_Site' -and $MethodName -eq 'SubmitRegistrationRecord' -and $Arguments.SMSID -eq $media.MediaGuid -and $Arguments.Type -eq 1 -and $Arguments.IssuedCert -eq 1 -and $Arguments.UdaSetting -eq 0 -and
            $Arguments.Certificate -eq [System.BitConverter]::ToString($media.Certificate.RawData).Replace('-', '')
        } -Times 1 -Exactly
    }

    It 'gives CMTSMEDIA_E_SITEACCESSDENIED when WMI denies access' {
        Set-CimMocks
        Mock -ModuleName CmTsMedia New-CimSession { throw (New-Object System.UnauthorizedAccessException 'Access denied') }
        $err = $null
        try { New-CMBootMediaSiteCatalog -ManagementPoint $script:site.Mp -SiteServer cm01 -Path (Join-Path $TestDrive 'denied.json') -WarningAction SilentlyContinue -ErrorAction Stop } catch { $err = $_ }
        $err.Exception | Should -BeOfType ([CmTsMedia.SiteAccessDeniedException])
        $err.Exception.ErrorDetail | Should -Be 'wmi://cm01/root/SMS: Access denied'
    }

    It 'refuses -SiteServer where there is no WMI, pointing at -AdminService' {
        Mock -ModuleName CmTsMedia Test-CmTsWindows { $false }
        { New-CMBootMediaSiteCatalog -ManagementPoint $script:site.Mp -SiteServer cm01 -Path (Join-Path $TestDrive 'nowmi.json') -ErrorAction Stop } |
            Should -Throw -ExceptionType ([CmTsMedia.InvalidArgumentException]) -ExpectedMessage '*use -AdminService https://<provider FQDN>/AdminService*'
    }
}
