#Requires -Modules Pester
# Issue 15 item 10: an ErrorRecord never shows a stack trace or a path of the build (docs/module.md
# "Errors"). Real engine errors of each kind (missing file, bad argument, bad catalog, bad PFX, not
# media, unknown operation) and an engine that crashes with a real Node stack trace (a stand-in that
# runs `node` on a script that throws): message, ErrorDetails, the exception's detail and its
# TargetObject hold none of the marks of a stack or a build folder.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestModule.ps1')
    $script:module = Import-Module (Get-TestModuleManifest) -Force -PassThru -ErrorAction Stop
    Set-TestEnvironment (Join-Path $TestDrive 'state')
    $script:repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:site = Join-Path $TestDrive 'site'
    Copy-Item -LiteralPath (Join-Path $script:module.ModuleBase 'module/Demo') -Destination $script:site -Recurse

    # What a shown error must never contain: stack frames, script positions, Node internals, the build.
    $script:stackMarks = @('(?m)^\s*at\s', '\bat\s+\S+\s+\(', '\.[cm]?[jt]s:\d+', 'node:internal', 'Node\.js v\d',
        [regex]::Escape($script:repo), [regex]::Escape($script:module.ModuleBase), 'engine/src/', 'dist/engine')

    function Get-ShownText([System.Management.Automation.ErrorRecord] $Record) {
        @($Record.Exception.Message, $Record.ErrorDetails.Message, $Record.Exception.ErrorDetail, [string]$Record.TargetObject) -join "`n"
    }
    function Assert-NoStack([System.Management.Automation.ErrorRecord] $Record) {
        $text = Get-ShownText $Record
        foreach ($mark in $script:stackMarks) { $text | Should -Not -Match $mark -Because "$($Record.FullyQualifiedErrorId): $text" }
    }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module CmTsMedia -Force -ErrorAction SilentlyContinue
}

Describe 'Error text' {
    It 'engine errors of every kind show what went wrong, never a stack trace or a build path' {
        $catalog = Join-Path $script:site 'site.json'
        $broken = Join-Path $TestDrive 'broken.json'
        Set-Content -LiteralPath $broken -Value '{ "schemaVersion": 1, "siteCode": '
        $notPfx = Join-Path $TestDrive 'not.pfx'
        Set-Content -LiteralPath $notPfx -Value 'not a PKCS#12 file'
        $notMedia = Join-Path $TestDrive 'not-media.iso'
        [System.IO.File]::WriteAllBytes($notMedia, [byte[]]::new(65536))
        $all = @()
        $common = @{ ErrorAction = 'SilentlyContinue'; ErrorVariable = '+all'; WarningAction = 'SilentlyContinue' }
        $pfxPassword = ConvertTo-SecureString 'x' -AsPlainText -Force
        $null = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'a.iso') -BootImageId PS100005 -SiteCatalog (Join-Path $TestDrive 'missing.json') @common
        $null = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'b.iso') -BootImageId PS100005 -SiteCatalog $broken @common
        $null = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'c.iso') -BootImageId PS100099 -SiteCatalog $catalog @common
        $null = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'd.iso') -BootImageId PS100005 -SiteCatalog $catalog -CertificatePath $notPfx -CertificatePassword $pfxPassword @common
        $null = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'e.iso') -BootImageId PS100005 -SiteCatalog $catalog -CertificateStartTime ([datetime]'2030-01-01') -CertificateExpireTime ([datetime]'2029-01-01') @common
        $null = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'no-folder/f.iso') -BootImageId PS100005 -SiteCatalog $catalog @common
        $null = Test-CMBootMedia -Path $notMedia @common
        $null = Get-CMBootMediaStatus -OperationId '0f8c0000-0000-4000-8000-00000000dead' @common
        $records = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $records.Count | Should -BeGreaterOrEqual 8 -Because ($records.FullyQualifiedErrorId -join ', ')
        foreach ($record in $records) {
            $record | Should -BeOfType ([System.Management.Automation.ErrorRecord])
            $record.Exception | Should -BeOfType ([type]'CmTsMedia.CmTsMediaException')
            Assert-NoStack $record
        }
        @($records.Exception.ErrorCode | Sort-Object -Unique).Count | Should -BeGreaterThan 4 -Because ($records.FullyQualifiedErrorId -join ', ')
    }

    It 'an engine that crashes shows the error line, not the stack; the whole stderr goes to the Debug stream' -Skip:($IsWindows -or -not (Get-Command node -ErrorAction SilentlyContinue)) {
        $script = Join-Path $TestDrive 'crash.js'
        Set-Content -LiteralPath $script -Value "function deep(o) { return o.missing.value; }`nprocess.stdin.once('data', () => deep({}));"
        $engine = Join-Path $TestDrive 'engine-node-crash'
        [System.IO.File]::WriteAllText($engine, "#!/bin/sh`nprintf '{""event"":""hello"",""protocol"":1}\n'`nexec node '$script'`n")
        chmod +x $engine
        $saved = $env:CMTSMEDIA_ENGINE
        $env:CMTSMEDIA_ENGINE = $engine
        try {
            $debug = New-CMBootMedia -MediaType CD -DestinationPath (Join-Path $TestDrive 'crash.iso') -BootImageId PS100005 -SiteCatalog (Join-Path $script:site 'site.json') `
                -ErrorAction SilentlyContinue -ErrorVariable ev -Debug 5>&1 3>$null 4>$null
        }
        finally { $env:CMTSMEDIA_ENGINE = $saved }
        $ev[0].FullyQualifiedErrorId | Should -Be 'CMTSMEDIA_E_ENGINEFAILED,New-CMBootMedia'
        $ev[0].Exception.Message | Should -BeLike "*(exit code 1) without answering createBootMedia; stderr: TypeError: Cannot read properties of undefined (reading 'value')*"
        $ev[0].Exception.Message | Should -Not -BeLike '*deep*'
        Assert-NoStack $ev[0]
        $stderr = @($debug | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message | Where-Object { $_ -like 'CmTsMedia engine stderr:*' })
        ($stderr -join "`n") | Should -BeLike "*at deep ($script:1:*"
    }
}
