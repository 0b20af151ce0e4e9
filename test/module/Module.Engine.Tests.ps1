#Requires -Modules Pester
# The module against the REAL engine executable (found the way the module finds it: bin/<rid> of the
# dist module, or dist/bin/<rid> of a source checkout), plus tiny stand-in engines (shell scripts) for
# the failures the real one never shows: wrong protocol, missing executable, what the child receives.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    $script:savedEngine = $env:CMTSMEDIA_ENGINE
    $env:CMTSMEDIA_ENGINE = $null
    $script:enginePath = & $script:module { Resolve-CmTsEnginePath }

    # A site catalog whose boot image PS100005 exists nowhere, made from the repository's certificate
    # fixtures (test/fixtures/site/make-fixtures.sh).
    $fixtures = Join-Path (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) 'test/fixtures/site'
    $script:site = Join-Path $TestDrive 'site'
    $null = New-Item -ItemType Directory -Path (Join-Path $script:site 'certs') -Force
    Copy-Item -LiteralPath (Join-Path $fixtures 'mp01.cer'), (Join-Path $fixtures 'site-signing.pem') -Destination (Join-Path $script:site 'certs')
    @'
{ "schemaVersion": 1, "siteCode": "PS1",
  "managementPoints": [ { "name": "MP01.contoso.com", "url": "http://MP01.contoso.com", "default": true, "certificates": ["certs/mp01.cer"] } ],
  "siteSigningCertificate": "certs/site-signing.pem",
  "distributionPoints": [ { "name": "DP01.contoso.com", "contentPath": "content/dp01" } ],
  "bootImages": [ { "packageId": "PS100005", "name": "Boot image (x64)", "architecture": "x64", "sourceVersion": 1,
                    "path": "PS100005/boot.PS100005.wim", "distributionPoints": ["DP01.contoso.com"] } ] }
'@ | Set-Content -LiteralPath (Join-Path $script:site 'site.json')

    # Answers a request with started, log, warning and progress events, then waits for the cancel line
    # and writes it to $Marker.
    function New-SlowEngine([string] $Name, [string] $Marker) {
        New-StandInEngine $Name @"
printf '{"event":"hello","protocol":1}\n'
IFS= read -r line
printf '{"id":null,"event":"started","operationId":"op-slow"}\n'
printf '{"id":null,"event":"log","level":"verbose","message":"verbose from engine"}\n'
printf '{"id":null,"event":"warning","message":"warning from engine"}\n'
printf '{"id":null,"event":"progress","step":1,"steps":2,"stepInfo":"Writing","percent":40}\n'
IFS= read -r cancel
printf '%s\n' "`$cancel" > '$Marker'
"@
    }

    function New-StandInEngine([string] $Name, [string] $Body) {
        $path = Join-Path $TestDrive $Name
        [System.IO.File]::WriteAllText($path, "#!/bin/sh`n" + $Body + "`n")
        chmod +x $path
        $path
    }
}

AfterAll {
    $env:CMTSMEDIA_ENGINE = $script:savedEngine
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'Against the real engine' {
    BeforeAll {
        if (-not $script:enginePath) { throw 'No engine executable: run npm run build first.' }
    }

    It 'fails on a missing site catalog with CmTsMedia.FileNotFoundException naming the file' {
        Push-Location $TestDrive
        try {
            $err = { New-CMBootMedia -MediaType CD -DestinationPath ./out/x.iso -BootImageId PS100099 -SiteCatalog ./missing.json -ErrorAction Stop } |
                Should -Throw -PassThru
        }
        finally { Pop-Location }
        $missing = Join-Path $TestDrive 'missing.json'
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.FileNotFoundException')
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.CmTsMediaException')
        $err.Exception.HResult | Should -Be 0x80070002
        $err.Exception.ErrorCode | Should -Be 'E_FILENOTFOUND'
        $err.Exception.ErrorDetail | Should -Be $missing
        $err.Exception.Message | Should -BeLike "*$missing*"
        $err.FullyQualifiedErrorId | Should -Be 'E_FILENOTFOUND,New-CMBootMedia'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be $missing
        Test-Path (Join-Path $TestDrive 'out/x.iso') | Should -BeFalse
    }

    It 'is caught by catch [CmTsMedia.FileNotFoundException] and is non-terminating by default' {
        $caught = $null
        try {
            New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'x.iso') -BootImageId PS100099 -SiteCatalog (Join-Path $TestDrive 'missing.json') -ErrorAction Stop
        }
        catch [CmTsMedia.FileNotFoundException] {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty
        $after = 'continued'
        New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'x.iso') -BootImageId PS100099 -SiteCatalog (Join-Path $TestDrive 'missing.json') -ErrorAction SilentlyContinue -ErrorVariable ev
        $after | Should -Be 'continued'
        $ev.Count | Should -Be 1
        $ev[0].Exception | Should -BeOfType ([type]'CmTsMedia.FileNotFoundException')
    }

    It 'maps CREATETSMEDIA_E_MISSINGPACKAGE end to end with the package ID as ErrorDetail and TargetObject' {
        $err = { New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'y.iso') -BootImageId PS100099 -SiteCatalog (Join-Path $script:site 'site.json') -ErrorAction Stop } |
            Should -Throw -PassThru
        if ($err.Exception.ErrorCode -eq 'E_NOTIMPL') { Set-ItResult -Skipped -Because 'the engine does not create media yet' }
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.MissingPackageException')
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.ContentException')
        $err.Exception.HResult | Should -Be 0x80040003
        $err.Exception.ErrorDetail | Should -Be 'PS100099'
        $err.TargetObject | Should -Be 'PS100099'
        $err.FullyQualifiedErrorId | Should -Be 'CREATETSMEDIA_E_MISSINGPACKAGE,New-CMBootMedia'
        $err.Exception.Message | Should -BeLike '*PS100099*'
    }

    It 'sends every parameter in the form the engine accepts' {
        $secret = ConvertTo-SecureString 'Pa55-w0rd' -AsPlainText -Force
        $all = @{
            MediaType = 'CD'; DestinationPath = (Join-Path $TestDrive 'all.iso'); BootImageId = 'PS100099'
            SiteCatalog = (Join-Path $script:site 'site.json'); MediaPassword = $secret
            CertificatePath = (Join-Path $TestDrive 'media.pfx'); CertificatePassword = $secret
            MediaLabel = 'Contoso'; Variable = @{ OSDComputerName = 'PC01' }; ConnectionOptions = @{ Username = 'svc' }; Force = $true
            MediaMode = 'Dynamic'; ManagementPoint = @('MP01.contoso.com'); DistributionPoint = 'DP01.contoso.com'; AllowUnknownMachine = $true
            AllowUnattended = $true; PrestartCommand = 'cmd /c x.cmd'; PrestartFolder = $TestDrive; NoPrompt = $true; BootEx = $true
        }
        # The validity applies to a self-signed certificate only: with a PFX it is an error (docs/protocol.md).
        $selfSigned = @{} + $all
        $selfSigned.Remove('CertificatePath'); $selfSigned.Remove('CertificatePassword')
        $selfSigned['CertificateValidStart'] = [datetime]::Now; $selfSigned['CertificateValidEnd'] = [datetime]::Now.AddDays(30)
        foreach ($set in $all, $selfSigned) {
            New-CMBootMedia @set -ErrorAction SilentlyContinue -ErrorVariable ev
            $ev.Count | Should -Be 1
            $ev[0].Exception.ErrorCode | Should -Not -BeIn @('E_INVALIDARG', 'CMTSMEDIA_E_UNKNOWNPARAMETER', 'CMTSMEDIA_E_PROTOCOL') -Because $ev[0].Exception.Message
            $ev[0].Exception.Message | Should -Not -BeLike '*Pa55-w0rd*'
        }
    }

    It 'reports an unknown operation id as CmTsMedia.OperationNotFoundException' {
        $err = { Get-CMBootMediaStatus -OperationId 'no-such-operation' -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.OperationNotFoundException')
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_OPERATIONNOTFOUND,Get-CMBootMediaStatus'
        $err.TargetObject | Should -Be 'no-such-operation'
    }

    It 'lists recent operations as CmTsMedia.BootMediaStatus objects' {
        $all = @(Get-CMBootMediaStatus -ErrorAction Stop)
        foreach ($status in $all) { $status.PSObject.TypeNames[0] | Should -Be 'CmTsMedia.BootMediaStatus' }
    }

    It '-Debug works in a -NonInteractive session: debug, verbose and warning records, no prompt' {
        # -Debug makes PowerShell inquire before verbose and warning records; -NonInteractive cannot ask.
        $pwsh = Join-Path $PSHOME 'pwsh'
        $destination = Join-Path $TestDrive 'debug.iso'
        $command = ("`$ErrorActionPreference = 'Stop'; Import-Module '{0}'; " +
            "`$out = New-CMBootMedia -Demo -MediaType CD -DestinationPath '{1}' -Debug 5>&1 4>&1 3>&1; " +
            "`$out | ForEach-Object {{ `$_.GetType().Name }} | Sort-Object -Unique") -f (Get-TestModuleManifest), $destination
        $output = & $pwsh -NoProfile -NonInteractive -Command $command 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join [Environment]::NewLine)
        @($output) | Should -Contain 'DebugRecord'
        @($output) | Should -Contain 'VerboseRecord'
        @($output) | Should -Contain 'WarningRecord'
        @($output) | Should -Contain 'PSCustomObject'
        Test-Path -LiteralPath $destination | Should -BeTrue
    }

    It '-Verbose, -Debug and -ErrorAction work with -AsJob and in a -NonInteractive session' {
        $pwsh = Join-Path $PSHOME 'pwsh'
        $command = ("Import-Module '{0}'; " +
            "`$job = New-CMBootMedia -Demo -MediaType CD -DestinationPath '{1}' -AsJob -Verbose -Debug -WarningAction SilentlyContinue; " +
            "`$null = Wait-Job -Job `$job -Timeout 120; " +
            "'job=' + `$job.State + ' verbose=' + (`$job.Verbose.Count -gt 0) + ' debug=' + (`$job.Debug.Count -gt 0) + ' warnings=' + `$job.Warning.Count; " +
            "`$null = New-CMBootMedia -Demo -MediaType CD -DestinationPath '{2}' -BootImageId PS100099 -ErrorAction SilentlyContinue -ErrorVariable ev -WarningAction SilentlyContinue; " +
            "'silent=' + `$ev.Count + ' ' + `$ev[0].FullyQualifiedErrorId; " +
            "try {{ `$null = New-CMBootMedia -Demo -MediaType CD -DestinationPath '{2}' -BootImageId PS100099 -ErrorAction Stop -WarningAction SilentlyContinue; 'stop=none' }} " +
            "catch [CmTsMedia.MissingPackageException] {{ 'stop=' + `$_.FullyQualifiedErrorId }}; " +
            "`$failing = New-CMBootMedia -Demo -MediaType CD -DestinationPath '{2}' -BootImageId PS100099 -AsJob -ErrorAction Stop; " +
            "`$null = Wait-Job -Job `$failing -Timeout 120; " +
            "try {{ Receive-Job -Job `$failing -ErrorAction Stop; 'received=none' }} catch {{ 'received=' + `$failing.State + ' ' + `$_.FullyQualifiedErrorId }}") -f
            (Get-TestModuleManifest), (Join-Path $TestDrive 'job-streams.iso'), (Join-Path $TestDrive 'never.iso')
        $output = @(& $pwsh -NoProfile -NonInteractive -Command $command 2>&1 | ForEach-Object { "$_" })
        $LASTEXITCODE | Should -Be 0 -Because ($output -join [Environment]::NewLine)
        $output | Should -Contain 'job=Completed verbose=True debug=True warnings=0'
        $output | Should -Contain 'silent=1 CREATETSMEDIA_E_MISSINGPACKAGE,New-CMBootMedia'
        $output | Should -Contain 'stop=CREATETSMEDIA_E_MISSINGPACKAGE,New-CMBootMedia'
        $output | Should -Contain 'received=Failed CREATETSMEDIA_E_MISSINGPACKAGE,New-CMBootMedia'
        Test-Path -LiteralPath (Join-Path $TestDrive 'job-streams.iso') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $TestDrive 'never.iso') | Should -BeFalse
    }

    It '-AsJob honours -WarningAction: the job writes no warnings with SilentlyContinue' {
        $quiet = New-CMBootMedia -Demo -MediaType CD -DestinationPath (Join-Path $TestDrive 'quiet.iso') -AsJob -WarningAction SilentlyContinue
        $loud = New-CMBootMedia -Demo -MediaType CD -DestinationPath (Join-Path $TestDrive 'loud.iso') -AsJob
        try {
            $null = Wait-Job -Job $quiet, $loud -Timeout 120
            $quiet.State | Should -Be 'Completed'
            $loud.State | Should -Be 'Completed'
            $quiet.Warning.Count | Should -Be 0
            $loud.Warning.Count | Should -BeGreaterThan 0
        }
        finally { Remove-Job -Job $quiet, $loud -Force }
    }

    It 'skips corrupt, empty, null and {} status files with a warning and lists the rest' {
        $saved = $env:CMTSMEDIA_STATE_DIR
        $env:CMTSMEDIA_STATE_DIR = Join-Path $TestDrive 'state-bad-records'
        try {
            $null = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'bad-records.iso') -BootImageId PS100099 -SiteCatalog (Join-Path $script:site 'site.json') -ErrorAction SilentlyContinue
            $operations = Join-Path $env:CMTSMEDIA_STATE_DIR 'operations'
            $bad = @{ '0f8c0000-0000-4000-8000-000000000001' = '{"operationId": "0f8c'; '0f8c0000-0000-4000-8000-000000000002' = ''
                '0f8c0000-0000-4000-8000-000000000003' = 'null'; '0f8c0000-0000-4000-8000-000000000004' = '{}' }
            foreach ($name in $bad.Keys) { [System.IO.File]::WriteAllText((Join-Path $operations "$name.json"), $bad[$name]) }
            $all = @(Get-CMBootMediaStatus -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue)
            $all.Count | Should -Be 1
            $all[0].ErrorCode | Should -Be 'CREATETSMEDIA_E_MISSINGPACKAGE'
            $warnings.Count | Should -Be 4
            foreach ($name in $bad.Keys) { @($warnings | Where-Object { "$_" -like "*$name.json*skipped*" }).Count | Should -Be 1 }
        }
        finally { $env:CMTSMEDIA_STATE_DIR = $saved }
    }

    It 'runs -AsJob as a CmTsMediaJob whose typed error Receive-Job rethrows' {
        $job = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'j.iso') -BootImageId PS100099 -SiteCatalog (Join-Path $TestDrive 'missing.json') -AsJob
        try {
            $job | Should -BeOfType ([type]'CmTsMedia.BootMediaJob')
            $job.PSJobTypeName | Should -Be 'CmTsMediaJob'
            (Get-Job -Id $job.Id) | Should -Be $job
            $null = Wait-Job -Job $job -Timeout 60
            $job.State | Should -Be 'Failed'
            $err = { Receive-Job -Job $job -ErrorAction Stop } | Should -Throw -PassThru
            $err.Exception | Should -BeOfType ([type]'CmTsMedia.FileNotFoundException')
            $err.FullyQualifiedErrorId | Should -Be 'E_FILENOTFOUND,New-CMBootMedia'
        }
        finally {
            Remove-Job -Job $job -Force
        }
        Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Engine start-up failures' -Tag 'Unix' {
    BeforeAll {
        if ($IsWindows) { return }
    }
    AfterEach {
        $env:CMTSMEDIA_ENGINE = $null
    }

    It 'a missing engine is a terminating CmTsMedia.EngineFailedException' {
        $env:CMTSMEDIA_ENGINE = Join-Path $TestDrive 'no-such-engine'
        $err = { New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json -ErrorAction SilentlyContinue } |
            Should -Throw -PassThru
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.EngineFailedException')
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.EngineException')
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_ENGINEFAILED,New-CMBootMedia'
        $err.Exception.Message | Should -BeLike '*no-such-engine*'
    }

    It 'an engine that is not executable is CMTSMEDIA_E_ENGINEFAILED' -Skip:$IsWindows {
        $path = Join-Path $TestDrive 'not-executable'
        Set-Content -LiteralPath $path -Value 'text'
        $env:CMTSMEDIA_ENGINE = $path
        $err = { Get-CMBootMediaStatus } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_ENGINEFAILED,Get-CMBootMediaStatus'
    }

    It 'another protocol version is CMTSMEDIA_E_VERSIONMISMATCH' -Skip:$IsWindows {
        $env:CMTSMEDIA_ENGINE = New-StandInEngine 'engine-v2' 'printf ''{"event":"hello","protocol":2,"engineVersion":"9.0.0"}\n''; cat >/dev/null'
        $err = { New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json } | Should -Throw -PassThru
        $err.Exception | Should -BeOfType ([type]'CmTsMedia.EngineVersionMismatchException')
        $err.FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_VERSIONMISMATCH,New-CMBootMedia'
        $err.Exception.Message | Should -BeLike '*protocol 2*'
    }

    It 'starts the engine with no arguments, no NODE_ variables and BOM-less UTF-8 JSON on stdin' -Skip:$IsWindows {
        # The stand-in answers with what it saw: argument count, NODE_OPTIONS, the first byte and the request.
        $env:CMTSMEDIA_ENGINE = New-StandInEngine 'engine-echo' @'
printf '{"event":"hello","protocol":1,"engineVersion":"0.0.0"}\n'
IFS= read -r line
first=$(printf '%s' "$line" | head -c 1 | od -An -tx1 | tr -d ' ')
secret=no; case "$line" in *Pa55-w0rd*) secret=yes;; esac
printf '{"id":null,"error":{"code":"E_UNEXPECTED","hresult":"0x8000FFFF","message":"seen","detail":"argc=%s node=%s first=%s secret=%s"}}\n' "$#" "${NODE_OPTIONS-unset}" "$first" "$secret"
'@
        $savedNodeOptions = $env:NODE_OPTIONS
        $env:NODE_OPTIONS = '--require /tmp/evil.js'
        try {
            $password = ConvertTo-SecureString 'Pa55-w0rd' -AsPlainText -Force
            New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json -MediaPassword $password -ErrorAction SilentlyContinue -ErrorVariable ev
        }
        finally { $env:NODE_OPTIONS = $savedNodeOptions }
        $ev[0].Exception.ErrorDetail | Should -Be 'argc=0 node=unset first=7b secret=yes'
    }

    It 'reports an engine that dies mid-request as CMTSMEDIA_E_ENGINEFAILED with its stderr' -Skip:$IsWindows {
        $env:CMTSMEDIA_ENGINE = New-StandInEngine 'engine-crash' 'printf ''{"event":"hello","protocol":1}\n''; read -r line; echo "boom: out of cheese" >&2; exit 3'
        New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_ENGINEFAILED,New-CMBootMedia'
        $ev[0].Exception.Message | Should -BeLike '*exit code 3*out of cheese*'
    }

    It 'relays progress, log and warning events and cancels the engine on Ctrl+C / StopProcessing' -Skip:$IsWindows {
        $marker = Join-Path $TestDrive 'canceled.txt'
        $env:CMTSMEDIA_ENGINE = New-SlowEngine 'engine-slow' $marker
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($manifest, $engine)
                $env:CMTSMEDIA_ENGINE = $engine
                Import-Module $manifest
                New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json -Verbose
            }).AddArgument((Get-TestModuleManifest)).AddArgument($env:CMTSMEDIA_ENGINE)
        $null = $ps.BeginInvoke()
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        while ($ps.Streams.Progress.Count -eq 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $ps.Stop()
        $ps.Streams.Verbose.Message | Should -Contain 'verbose from engine'
        $ps.Streams.Warning.Message | Should -Contain 'warning from engine'
        $ps.Streams.Progress[0].PercentComplete | Should -Be 40
        $ps.Streams.Progress[0].Activity | Should -Be 'Creating boot media'
        $ps.Dispose()
        Get-Content -LiteralPath $marker -Raw | Should -Match '"command":"cancel"'
    }

    It 'Stop-Job cancels the engine of a -AsJob creation; the job knows its operation id' -Skip:$IsWindows {
        $marker = Join-Path $TestDrive 'job-canceled.txt'
        $env:CMTSMEDIA_ENGINE = New-SlowEngine 'engine-slow-job' $marker
        $job = New-CMBootMedia -MediaType CD -DestinationPath x.iso -BootImageId PS100005 -SiteCatalog s.json -AsJob
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while ($job.Progress.Count -eq 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $job.OperationId | Should -Be 'op-slow'
            $job.State | Should -Be 'Running'
            $job.StatusMessage | Should -BeLike '*Writing*'
            Stop-Job -Job $job
            $job.State | Should -Be 'Stopped'
            Get-Content -LiteralPath $marker -Raw | Should -Match '"command":"cancel"'
            @(Receive-Job -Job $job -WarningAction SilentlyContinue).Count | Should -Be 0 -Because 'a stopped creation has no result'
        }
        finally { Remove-Job -Job $job -Force }
    }
}
